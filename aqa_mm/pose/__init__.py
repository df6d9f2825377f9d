"""Skeleton extraction from videos (``tools/extract_pose.py``): HRNet
through mmpose, or BlazePose through MediaPipe.

Importing this package imports neither mmpose's heavy APIs nor mediapipe;
they load when a model is built. See
docs/user_guides/pose_extraction.md for the command-line workflow.
"""
from .athlete_tracker import TRACK_STATES, AthleteTracker
from .batched_topdown import BatchedTopdown
from .blazepose import BlazePoseEstimator
from .extraction_loop import ExtractionSummary, run_extraction
from .extractor import NoPersonError, PoseExtractor
from .merge import load_pose_dir, load_sample_table, merge_aqa, merge_plain
from .person_detector import MMDetPersonDetector, mmdet_available
from .pose_backend import (BACKENDS, build_pose_extractor, choose_backend,
                           describe_backend)
from .pose_model import DEFAULT_POSE_CONFIG, init_pose_model
from .pose_search import PoseSearch, SearchResult
from .video_list import (VideoItem, collect_videos, parse_shard,
                         select_shard, shard_from_env)
from .video_reader import VideoReader, VideoReadError

__all__ = [
    'BatchedTopdown', 'BlazePoseEstimator', 'BACKENDS',
    'build_pose_extractor', 'choose_backend', 'describe_backend',
    'ExtractionSummary', 'run_extraction', 'NoPersonError',
    'PoseExtractor', 'load_pose_dir', 'load_sample_table', 'merge_aqa',
    'merge_plain', 'MMDetPersonDetector', 'mmdet_available',
    'AthleteTracker', 'TRACK_STATES', 'PoseSearch', 'SearchResult',
    'DEFAULT_POSE_CONFIG',
    'init_pose_model', 'VideoItem', 'collect_videos', 'parse_shard',
    'select_shard', 'shard_from_env', 'VideoReader', 'VideoReadError'
]
