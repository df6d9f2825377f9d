"""Skeleton extraction from videos with mmpose (``tools/extract_pose.py``).

Importing this package does not import mmpose's heavy APIs; they load when a
model is built. See docs/pose_extraction.md for the command-line workflow.
"""
from .batched_topdown import BatchedTopdown
from .extraction_loop import ExtractionSummary, run_extraction
from .extractor import NoPersonError, PoseExtractor
from .merge import load_pose_dir, load_sample_table, merge_aqa, merge_plain
from .person_detector import MMDetPersonDetector, mmdet_available
from .person_tracker import DetectionTracker, PoseBoxTracker
from .pose_model import DEFAULT_POSE_CONFIG, init_pose_model
from .video_list import (VideoItem, collect_videos, parse_shard,
                         select_shard, shard_from_env)
from .video_reader import VideoReader, VideoReadError

__all__ = [
    'BatchedTopdown', 'ExtractionSummary', 'run_extraction', 'NoPersonError',
    'PoseExtractor', 'load_pose_dir', 'load_sample_table', 'merge_aqa',
    'merge_plain', 'MMDetPersonDetector', 'mmdet_available',
    'DetectionTracker', 'PoseBoxTracker', 'DEFAULT_POSE_CONFIG',
    'init_pose_model', 'VideoItem', 'collect_videos', 'parse_shard',
    'select_shard', 'shard_from_env', 'VideoReader', 'VideoReadError'
]
