"""Command-line pieces shared by the converter scripts (``tools/data/``).

The scripts under ``tools/data/<dataset>/`` differ in their positional
arguments and in the call that does the work; the options every pose-based
converter has (``--video-template``, ``--pose-template``, ``--skip-missing``,
``--score-range``) and the run-and-report step live here so that they read
and behave the same in every script.
"""
import argparse
from typing import Any, Callable, Optional, Tuple

from aqa_mm.utils.cli import friendly_errors
from .common import ScoreRange, parse_score_ranges

ArgSpec = Tuple[str, str]


def converter_parser(description: str,
                     *positionals: ArgSpec) -> argparse.ArgumentParser:
    """An argument parser with the given positional arguments.

    Args:
        description (str): The parser's description.
        *positionals (tuple[str, str]): ``(name, help)`` per positional
            argument, in order.

    Returns:
        argparse.ArgumentParser: The parser, ready for more options.
    """
    parser = argparse.ArgumentParser(description=description)
    for name, help_text in positionals:
        parser.add_argument(name, help=help_text)
    return parser


def add_template_args(parser: argparse.ArgumentParser, video_template: str,
                      pose_template: str,
                      video_help: str = 'video path under ROOT') -> None:
    """Add ``--video-template`` and ``--pose-template`` with defaults.

    Args:
        parser (argparse.ArgumentParser): Parser to extend.
        video_template (str): Default of ``--video-template``.
        pose_template (str): Default of ``--pose-template``.
        video_help (str): Help of ``--video-template`` before its default.
    """
    parser.add_argument('--video-template', default=video_template,
                        help=f'{video_help} (default: %(default)s)')
    parser.add_argument('--pose-template', default=pose_template,
                        help='pose pkl under POSE_DIR (default: %(default)s)')


def add_skip_missing(parser: argparse.ArgumentParser,
                     what: str = 'samples whose video or skeleton is') -> None:
    """Add ``--skip-missing`` (off: missing media stop the conversion).

    Args:
        parser (argparse.ArgumentParser): Parser to extend.
        what (str): What is skipped, as in ``'skip <what> missing'``.
    """
    parser.add_argument('--skip-missing', action='store_true',
                        help=f'skip {what} missing (default: stop)')


def add_score_range(parser: argparse.ArgumentParser, help_text: str,
                    per_class: bool = False) -> None:
    """Add ``--score-range``: ``NAME=LO,HI ...`` per class, or one ``LO,HI``.

    Args:
        parser (argparse.ArgumentParser): Parser to extend.
        help_text (str): The option's help.
        per_class (bool): Several ``NAME=LO,HI`` items instead of one
            ``LO,HI``. Defaults to False.
    """
    if per_class:
        parser.add_argument('--score-range', nargs='+', metavar='NAME=LO,HI',
                            help=help_text)
    else:
        parser.add_argument('--score-range', metavar='LO,HI', help=help_text)


def single_class_range(value: Optional[str],
                       class_name: str) -> Optional[ScoreRange]:
    """Parse a single-class ``--score-range LO,HI`` (None when not given).

    Args:
        value (str, optional): ``'LO,HI'`` or None.
        class_name (str): The dataset's one class, named in errors.

    Returns:
        tuple[float, float] | None: The range, or None for the default.
    """
    ranges = parse_score_ranges(
        [f'{class_name}={value}'] if value else None, [class_name])
    return ranges.get(class_name)


def run_converter(tool: str, convert: Callable[[], Any]) -> None:
    """Run ``convert()`` under one-line errors and print its report.

    Args:
        tool (str): Script name shown before an error, e.g.
            ``'convert_aqa7.py'``.
        convert (callable): Does the work; returns a
            :class:`~aqa_mm.datasets.converters.common.ConversionReport`.
    """
    with friendly_errors(tool):
        report = convert()
        print('\n'.join(report.lines()))
