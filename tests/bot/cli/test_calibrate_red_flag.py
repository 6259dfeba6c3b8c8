"""Choosing the learned layer's threshold on the development part."""

from bot.cli.calibrate_red_flag import FOLDS, calibrate, choose_threshold, stable_folds
from bot.nlp.red_flag_model import Example, load_settings


def test_the_threshold_lets_through_at_most_the_stated_share_of_negatives():
    negatives = [0.9, 0.8, 0.7, 0.1]
    threshold = choose_threshold(negatives, 0.25)
    assert sum(s >= threshold for s in negatives) == 1
    assert choose_threshold(negatives, 0.0) > 0.9
    assert sum(s >= choose_threshold(negatives, 0.5) for s in negatives) == 2


def test_the_shipped_threshold_is_the_one_the_development_part_gives():
    """Fails when the examples, the corpus or the model change without re-running the calibration."""
    settings = load_settings()
    result = calibrate(settings.false_positive_target)
    assert result.threshold == settings.threshold
    assert result.dev_false_positive_rate <= settings.false_positive_target
    assert result.dev_negatives > 100 and result.dev_positives > 60


def test_an_added_example_leaves_every_other_examples_fold_where_it_was():
    """A shuffled split dealt every example anew when one was added, and moved the threshold."""
    examples = [Example(f"text number {i}", i % 3 == 0, "none", "dev") for i in range(60)]
    grown = [*examples[:30], Example("one more", True, "none", "dev"), *examples[30:]]

    def test_fold_of(folds, items):
        return {items[i].text: k for k, (_, test) in enumerate(folds) for i in test}

    before = test_fold_of(stable_folds(examples, 13), examples)
    after = test_fold_of(stable_folds(grown, 13), grown)
    assert all(after[text] == fold for text, fold in before.items())
    assert len(stable_folds(examples, 13)) == FOLDS
    assert all(set(train).isdisjoint(test) for train, test in stable_folds(examples, 13))
    assert test_fold_of(stable_folds(examples, 14), examples) != before  # another seed, another deal
