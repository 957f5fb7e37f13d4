"""The seeded inits draw the same weights on every machine and with every numpy in the tested range.

The install allows a range of numpy releases (pyproject.toml); this test is what pins the draws. A
numpy whose PCG64 streams or distributions changed would give a learner other "seed 3" weights than
the ones in a shared network file or trace, and fails here first.
"""

from __future__ import annotations

import pytest

from stepper.engine.init import InitSpec, initial_weights

GOLDEN = {
    "uniform": [
        [
            [-0.41435083285637564, -0.2631894934039003],
            [0.3012744652063969, 0.08216203606436778],
            [-0.4058713577596008, -0.0668730597635262],
        ],
        [[-0.020948701859165975], [-0.34026108536292143], [0.23457715140921453]],
    ],
    "normal": [
        [
            [1.0204595606925912, -1.2778325156570909],
            [0.20904942336288942, -0.2838848030639649],
            [-0.22632464605522293, -0.10779858154488295],
        ],
        [[-1.0099930645736255], [-0.11596618882209474], [-0.43260653813747085]],
    ],
    "xavier": [
        [[0.0, 0.0], [0.7379687122855565, 0.2012550645858504], [-0.9941777277216237, -0.1638048739592839]],
        [[0.0], [-0.9624036833360659], [0.6634843778915165]],
    ],
    "he": [
        [[0.0, 0.0], [0.41809884672577885, -0.5677696061279298], [-0.45264929211044586, -0.2155971630897659]],
        [[0.0], [-0.23193237764418947], [-0.8652130762749417]],
    ],
}


@pytest.mark.parametrize("scheme", sorted(GOLDEN))
def test_seed_3_draws_the_same_weights_bit_for_bit(scheme: str) -> None:
    weights = initial_weights((2, 2, 1), InitSpec(scheme, scale=0.5, seed=3))
    assert [w.tolist() for w in weights] == GOLDEN[scheme]
