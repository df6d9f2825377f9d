"""A finished run as the launcher records it, for the study's tests."""
import json
from pathlib import Path


def fake_launch(work_dir: Path, metrics: dict, minutes: float = 0.5) -> None:
    """Write the launcher's done marker (``launch_result.json``).

    Args:
        work_dir (Path): The run's work dir (made if missing).
        metrics (dict): Its test metrics.
        minutes (float): Its recorded wall time.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / 'launch_result.json').write_text(json.dumps(dict(
        metrics=metrics, minutes=minutes, checkpoint='epoch_30.pth')))
