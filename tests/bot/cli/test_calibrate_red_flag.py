"""Choosing the learned layer's threshold on the development part."""

from bot.cli.calibrate_red_flag import calibrate, choose_threshold
from bot.nlp.red_flag_model import load_settings


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
