"""Is the skeleton on the athlete? Coverage, wrong-person frames and speed
of the BlazePose athlete search against raw BlazePose, on real clips.

    python benchmarks/bench_pose_tracking.py --data-root DIR [--repeats 3]
        [--clips NAME ...] [--out benchmarks/results/pose_tracking.json]
        [--plot FILE.png]

Clips (under ``--data-root``, default ``$AQA_DATA_DIR``) and their ground
truth:

* ``tracking/davis_breakdance``: the dancer's mask in every frame;
* ``tracking/otb_skiing``: the skier's box in every frame;
* ``videos/diving_back_tuck.mp4``, ``videos/skating_double_axel_practice.mp4``
  and ``videos/demo_skeleton.mp4``: the athlete's box in every 5th frame,
  marked by hand (``tests/pose/fixtures/athlete_boxes/``; ``null`` where
  the athlete is out of view). ``demo_skeleton`` shows two men: the athlete
  is whichever of them the first posed frame lies on (for ``seeded``, the
  man marked in ``boxes``, whose first box seeds the track); a pose inside
  both men's boxes (they hug) counts for the one whose box centre is
  nearer.

Per clip and method, over the frames with ground truth:

* **coverage**: frames where the pose lies on the athlete (the median of its
  joints scoring >= 0.3 falls inside the ground-truth mask or box, enlarged
  by 10 % of its size on each side, at least 4 px), over the frames where
  the athlete is in view;
* **wrong**: frames with a pose that is not on the athlete (another person,
  the board, or anything while the athlete is out of view);
* **kept upright**: of the frames where raw BlazePose is on the athlete,
  those where the search is too;
* **fps**: whole-clip frames per second, decoding included on both sides,
  the median of ``--repeats`` runs of each method, interleaved; the ratio
  is measured side by side in the same run.

Methods: ``raw`` is MediaPipe BlazePose as its API gives it (tracking mode,
whole frame, one person); ``search`` is ``tools/extract_pose.py``'s default
(:func:`aqa_mm.pose.build_pose_extractor` with ``blazepose``); with
``--seeded``, ``seeded`` is the search started from the athlete's
ground-truth box in frame 0, as a user gives it with ``--athlete-box``.
CPU budget: about 2 minutes per repeat (3 with ``--seeded``) on one
2-core machine. BlazePose runs on the CPU only, so ``--device`` takes
``cpu`` only (and there is no ``--amp``).
"""
import argparse
import json
import os
import platform
import time
from pathlib import Path

import cv2
import numpy as np

from aqa_mm.pose import VideoReader, build_pose_extractor
from aqa_mm.pose.blazepose import BlazePoseEstimator
from aqa_mm.utils.io import atomic_write_text

if __package__:  # imported as benchmarks.bench_pose_tracking
    from .bench_utils import ROOT, add_device_args, check_device
else:  # run as a script: benchmarks/ is on sys.path
    from bench_utils import ROOT, add_device_args, check_device

FIXTURES = ROOT / 'tests' / 'pose' / 'fixtures' / 'athlete_boxes'
CLIPS = ('davis_breakdance', 'otb_skiing', 'diving_back_tuck',
         'skating_double_axel_practice', 'demo_skeleton')
KPT_THR = 0.3
ONLY_CPU = 'BlazePose (MediaPipe, LiteRT) runs on the CPU'


def clip_path(data_root: Path, name: str) -> Path:
    """The video file or frame folder of a clip."""
    if name in ('davis_breakdance', 'otb_skiing'):
        return data_root / 'tracking' / name / 'frames'
    return data_root / 'videos' / f'{name}.mp4'


def enlarge(box, frac: float = 0.1, least: float = 4.0) -> np.ndarray:
    """A box ``xyxy`` enlarged by ``frac`` of its size per side."""
    box = np.asarray(box, np.float64)
    pad = np.maximum((box[2:] - box[:2]) * frac, least)
    return np.concatenate([box[:2] - pad, box[2:] + pad])


def load_truth(data_root: Path, name: str, num_frames: int) -> dict:
    """Per evaluated frame, a list of hit tests ``point -> bool``, one per
    candidate athlete ([] where the athlete is out of view)."""
    def in_box(box):
        b = enlarge(box)
        test = lambda p: bool(b[0] <= p[0] <= b[2] and  # noqa: E731
                              b[1] <= p[1] <= b[3])
        test.centre = (np.asarray(box[:2]) + box[2:]) / 2
        return test

    if name == 'davis_breakdance':
        truth = {}
        for t, path in enumerate(sorted((data_root / 'tracking' / name /
                                         'masks').glob('*.png'))):
            mask = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE) > 0
            if not mask.any():
                truth[t] = []
                continue
            ys, xs = np.nonzero(mask)
            r = max(4, int(0.1 * max(np.ptp(xs), np.ptp(ys))))
            grown = cv2.dilate(mask.astype(np.uint8),
                               np.ones((2 * r + 1, 2 * r + 1), np.uint8))
            h, w = grown.shape
            truth[t] = [lambda p, g=grown, h=h, w=w: bool(
                0 <= int(p[1]) < h and 0 <= int(p[0]) < w
                and g[int(p[1]), int(p[0])])]
        return truth
    if name == 'otb_skiing':
        lines = (data_root / 'tracking' / name /
                 'groundtruth_rect.txt').read_text().split()
        truth = {}
        for t, line in enumerate(lines):
            x, y, w, h = (float(v) for v in line.replace('\t', ',')
                          .split(','))
            truth[t] = [in_box([x - 1, y - 1, x - 1 + w, y - 1 + h])]
        return truth
    spec = json.loads((FIXTURES / f'{name}.json').read_text())
    truth = {}
    for key, box in spec['boxes'].items():
        t = int(key)
        if t >= num_frames:
            continue
        cands = [in_box(box)] if box is not None else []
        alt = spec.get('alt_boxes', {}).get(key)
        if alt is not None:
            cands.append(in_box(alt))
        truth[t] = cands
    return truth


def first_box(data_root: Path, name: str) -> np.ndarray:
    """The athlete's ground-truth box ``xyxy`` in frame 0 (the hint a user
    gives with ``--athlete-box``)."""
    if name == 'davis_breakdance':
        mask = cv2.imread(str(data_root / 'tracking' / name / 'masks' /
                              '00000.png'), cv2.IMREAD_GRAYSCALE) > 0
        ys, xs = np.nonzero(mask)
        return np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1],
                        np.float64)
    if name == 'otb_skiing':
        line = (data_root / 'tracking' / name /
                'groundtruth_rect.txt').read_text().split()[0]
        x, y, w, h = (float(v) for v in line.replace('\t', ',').split(','))
        return np.array([x - 1, y - 1, x - 1 + w, y - 1 + h])
    spec = json.loads((FIXTURES / f'{name}.json').read_text())
    return np.array(spec['boxes']['0'], np.float64)


def pose_point(kpts: np.ndarray, scores: np.ndarray):
    """Median of the confident joints (2,), or None for no pose."""
    good = scores >= KPT_THR
    if not good.any():
        return None
    return np.median(kpts[good], axis=0)


def evaluate(kpts, scores, truth: dict, two_people: bool,
             who=None) -> dict:
    """Coverage, wrong-person frames and per-frame outcomes of one run.

    ``two_people``: the athlete is candidate ``who`` (0: ``boxes``, 1:
    ``alt_boxes``), or, if None, the one the first posed frame lies on (a
    pose inside both boxes belongs to the one whose centre is nearer)."""
    outcome = {}
    for t in sorted(truth):
        p = pose_point(kpts[t], scores[t])
        cands = truth[t]
        if p is None:
            outcome[t] = 'miss' if cands else 'empty'
            continue
        hits = [i for i, test in enumerate(cands) if test(p)]
        if len(hits) > 1:  # inside both men's boxes (they hug): the one
            hits = [min(hits, key=lambda i: np.linalg.norm(  # nearer
                p - cands[i].centre))]
        if two_people and who is None and hits:
            who = hits[0]
        on = (who if two_people else 0) in hits
        outcome[t] = 'on' if on else 'wrong'
    in_view = sum(bool(truth[t]) for t in truth)
    on = sum(o == 'on' for o in outcome.values())
    return dict(frames=len(truth), in_view=in_view, on=on,
                wrong=sum(o == 'wrong' for o in outcome.values()),
                coverage=on / in_view if in_view else None,
                outcome=outcome)


def run_raw(path: Path):
    """Raw BlazePose: tracking mode on every whole frame, with decoding."""
    pose = BlazePoseEstimator(static_image_mode=False, jump_iou=0.0)
    start = time.perf_counter()
    kpts, scores = [], []
    for frames in VideoReader(str(path), 1):
        h, w = frames[0].shape[:2]
        k, s = pose(frames, np.array([[0, 0, w, h]], np.float32))
        kpts.append(k[0])
        scores.append(s[0])
    seconds = time.perf_counter() - start
    pose.close()
    return np.stack(kpts), np.stack(scores), seconds


def run_search(path: Path, box=None, wide: bool = False):
    """The athlete search of tools/extract_pose.py (BlazePose default),
    started from ``box`` (``--athlete-box``) if given; ``wide``: the start
    also searched in turned frames and windows (``acquire_wide``)."""
    extractor = build_pose_extractor('blazepose', 'cpu', min_person_score=-1)
    extractor.search.acquire_wide = wide
    start = time.perf_counter()
    rec = extractor.extract(str(path), path.stem, athlete_box=box)
    seconds = time.perf_counter() - start
    extractor.estimator.close()
    return rec['keypoint'][0], rec['keypoint_score'][0], seconds


def plot(results: dict, out: str) -> None:
    """One strip per clip and method: on / wrong / miss / out of view."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    colours = dict(on='tab:green', wrong='tab:red', miss='0.75',
                   empty='white')
    names = list(results)
    rows = 3 if any("seeded" in r for r in results.values()) else 2
    fig, axes = plt.subplots(len(names), 1,
                             figsize=(9, (0.3 + 0.4 * rows) * len(names)),
                             squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        methods = [m for m in ('seeded', 'search', 'raw')
                   if m in results[name]]
        for row, method in enumerate(methods):
            outcome = results[name][method]['outcome']
            for t, o in outcome.items():
                ax.barh(row, 1, left=int(t), color=colours[o], height=0.8)
        ax.set_yticks(range(len(methods)), methods)
        ax.set_title(name, fontsize=9, loc='left')
        ax.set_xlim(0, results[name]['num_frames'])
    axes[-1, 0].set_xlabel('frame (green: on the athlete, red: wrong '
                           'person, grey: missed, white: out of view)')
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main(argv=None) -> None:
    """Run every method on every clip, print the table, write the JSON."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data-root', default=os.environ.get('AQA_DATA_DIR'),
                   help='folder holding tracking/ and videos/ (default: '
                   '$AQA_DATA_DIR)')
    p.add_argument('--clips', nargs='+', default=list(CLIPS),
                   choices=CLIPS)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--out', default=None, help='results JSON')
    p.add_argument('--plot', default=None, help='timeline PNG')
    p.add_argument('--acquire-wide', action='store_true',
                   help='the search starts from turned frames and windows '
                   'too (PoseSearch(acquire_wide=True), off by default)')
    p.add_argument('--seeded', action='store_true',
                   help='also run the search started from the athlete\'s '
                   'ground-truth box in frame 0 (--athlete-box)')
    add_device_args(p, amp=None, only_cpu=ONLY_CPU)
    args = p.parse_args(argv)
    check_device(p, args.device, ONLY_CPU)
    if not args.data_root:
        p.error('give --data-root or set AQA_DATA_DIR')
    cv2.setNumThreads(1)
    data_root = Path(args.data_root)
    results = {}
    for name in args.clips:
        path = clip_path(data_root, name)
        fixture = FIXTURES / f'{name}.json'
        if name not in ('davis_breakdance', 'otb_skiing') and \
                not fixture.is_file():
            print(f'{name}: skipped, no ground truth ({fixture})')
            continue
        methods = [('raw', run_raw), ('search', lambda p: run_search(
            p, wide=args.acquire_wide))]
        if args.seeded:
            box = first_box(data_root, name)
            methods.append(('seeded', lambda p, b=box: run_search(p, b)))
        runs = {method: [] for method, _ in methods}
        for _ in range(args.repeats):  # interleaved, same frames
            for method, fn in methods:
                runs[method].append(fn(path))
        num = len(runs['raw'][0][0])
        truth = load_truth(data_root, name, num)
        entry = dict(num_frames=num)
        for method, method_runs in runs.items():
            kpts, scores, _ = method_runs[0]
            res = evaluate(kpts, scores, truth, name == 'demo_skeleton',
                           0 if method == 'seeded' else None)
            res['fps'] = float(np.median([num / r[2] for r in method_runs]))
            entry[method] = res
        raw_on = [t for t, o in entry['raw']['outcome'].items() if o == 'on']
        entry['search']['kept_upright'] = [
            sum(entry['search']['outcome'][t] == 'on' for t in raw_on),
            len(raw_on)]
        entry['speed_ratio'] = entry['search']['fps'] / entry['raw']['fps']
        results[name] = entry
        s, r = entry['search'], entry['raw']
        print(f'{name:30s} search {s["on"]:3d}/{s["in_view"]:3d} '
              f'wrong {s["wrong"]:3d} {s["fps"]:5.1f} fps | raw '
              f'{r["on"]:3d}/{r["in_view"]:3d} wrong {r["wrong"]:3d} '
              f'{r["fps"]:5.1f} fps | ratio {entry["speed_ratio"]:.2f} | '
              f'kept {s["kept_upright"][0]}/{s["kept_upright"][1]}'
              + (f' | seeded {entry["seeded"]["on"]}/{s["in_view"]} wrong '
                 f'{entry["seeded"]["wrong"]}' if 'seeded' in entry else ''),
              flush=True)
    if args.plot:
        plot(results, args.plot)
    if args.out:
        for entry in results.values():
            for method in [m for m in ('raw', 'search', 'seeded')
                           if m in entry]:
                entry[method]['outcome'] = {
                    str(t): o for t, o in entry[method]['outcome'].items()}
        meta = dict(command='python benchmarks/bench_pose_tracking.py '
                    f'--clips {" ".join(args.clips)} --repeats '
                    f'{args.repeats}' + (' --seeded' if args.seeded else '')
                    + (' --acquire-wide' if args.acquire_wide else ''),
                    device='cpu', machine=platform.node(),
                    cpus=os.cpu_count(), date=time.strftime('%Y-%m-%d'))
        atomic_write_text(json.dumps(dict(meta=meta, clips=results),
                                     indent=1) + '\n', args.out)


if __name__ == '__main__':
    main()
