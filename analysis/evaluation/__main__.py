"""`python -m analysis.evaluation [--split test|dev] [--analyzer NAME] [--errors N] [--check]`."""

import argparse
import os
import sys

import django


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluation", description=__doc__)
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    parser.add_argument("--analyzer", help="backend name (default: the ANALYZER setting)")
    parser.add_argument("--errors", type=int, default=5, help="most common errors to list")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_analyzer.settings")
    django.setup()  # the analyzer's configuration (ANALYZER, OPENAI_*) lives in settings
    from analysis.evaluation.run import evaluate, load_dialogues, report, targets_met
    from analysis.wiring import get_analyzer

    analyzer = get_analyzer(args.analyzer)
    try:
        scores = evaluate(analyzer, load_dialogues(args.split))
    finally:
        analyzer.close()
    print(report(scores, analyzer=analyzer, split=args.split, errors=args.errors))
    if args.check and not targets_met(scores):
        sys.exit(1)


if __name__ == "__main__":
    main()
