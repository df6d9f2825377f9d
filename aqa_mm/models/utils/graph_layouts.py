"""Custom graph layouts for mmaction2's ``Graph`` (``graph_cfg=dict(
layout=<dict>, mode='spatial')``), for skeletons that are not human bodies.

:data:`JIGSAWS_LAYOUT`: the four manipulators of the da Vinci robot in
JIGSAWS, nodes in the order of the kinematics files
(``aqa_mm.datasets.converters.jigsaws_reader.MANIPULATORS``)::

    0 master left ──── 1 master right        (surgeon's console)
        │                   │
    2 patient left ─── 3 patient right       (patient-side arms)

Edges and why:

- master left – master right: the surgeon's two hands work together
  (bimanual coordination: one holds while the other drives the needle);
- each master – its patient-side arm: the arm follows that master under
  teleoperation (scaled motion, same gripper), so the two carry the same
  movement, seen at the hand and at the instrument;
- patient left – patient right: the two instruments meet on the tissue
  (needle hand-over, knot throws).

The diagonals (a master and the other side's arm) are left out: they are
coupled only through the other edges. In the ``'spatial'`` mode the
inward edges (child, parent) point from each patient-side arm to its master
and from right to left; the centre is node 0 (master left). With four nodes
and one hop, every node sees its two neighbours, so the direction only
splits the same edges between the inward and outward subsets.
"""
JIGSAWS_LAYOUT = dict(
    num_node=4,
    inward=[(1, 0), (2, 0), (3, 1), (3, 2)],
    center=0)

JIGSAWS_GRAPH_CFG = dict(layout=JIGSAWS_LAYOUT, mode='spatial')
