"""Build the project's spaCy pipeline into a folder for Rasa's SpacyNLP.

python -m bot.cli.build_spacy build/spacy/baclofen_en
"""

import argparse
from pathlib import Path

from bot.nlp.pipeline import save_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="folder to write the pipeline to")
    args = parser.parse_args()
    print(f"spaCy pipeline written to {save_pipeline(args.path)}")


if __name__ == "__main__":
    main()
