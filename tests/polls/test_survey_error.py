"""The error sds as a scenario writes them: posterior draws are one parameter kind, and the
election and source sds of one calibration stay paired."""

import numpy as np

from sim.polls.survey_error import draw_sds, draw_total_sd, read_error
from sim.tables import Table


def error_model(election, source):
    return read_error(Table({"election_sd": election, "source_sd": source}, "f.toml",
                            "model.error"), keys=())


def test_paired_draws_keep_each_pair_together():
    model = error_model([0.1, 0.2, 0.3], [1.1, 1.2, 1.3])
    election, source = draw_sds(model, 1000, source_level=True, rng=np.random.default_rng(0))
    assert np.allclose(source - election, 1.0)
    assert set(np.round(election, 6)) == {0.1, 0.2, 0.3}


def test_draws_of_other_lengths_and_distributions_are_drawn_apart():
    model = error_model([0.1, 0.2], [1.1, 1.2, 1.3])
    election, source = draw_sds(model, 1000, source_level=True, rng=np.random.default_rng(0))
    assert len(set(np.round(source - election, 6))) > 2  # pairs mixed: drawn independently
    model = error_model({"uniform": [0.1, 0.2]}, [0.3])
    election, source = draw_sds(model, 10, source_level=True, rng=np.random.default_rng(0))
    assert ((0.1 <= election) & (election <= 0.2)).all() and (source == 0.3).all()


def test_without_a_source_level_only_the_election_sd_is_drawn():
    model = error_model([0.1, 0.2], [1.1, 1.2])
    election, source = draw_sds(model, 5, source_level=False, rng=np.random.default_rng(0))
    assert source is None and election.shape == (5,)


def test_an_sd_of_zero_everywhere_is_no_error_at_all():
    assert error_model(0.0, [0.0]).is_zero is False  # a listed sd is uncertain by kind
    assert error_model(0.0, 0.0).is_zero


def test_the_total_sd_is_the_hypot_of_the_pair_drawn_from_the_same_numbers():
    # Paired draws are combined before they are picked: the same numbers, bit for bit.
    for election, source in (([0.1, 0.2, 0.3], [1.1, 1.2, 1.3]), ([0.1, 0.2], [0.3]),
                             ({"uniform": [0.1, 0.2]}, [0.3, 0.4])):
        model = error_model(election, source)
        for source_level in (True, False):
            drawn = draw_sds(model, 500, source_level=source_level,
                             rng=np.random.default_rng(3))
            expected = drawn[0] if drawn[1] is None else np.hypot(*drawn)
            total = draw_total_sd(model, 500, source_level=source_level,
                                  rng=np.random.default_rng(3))
            assert total.tobytes() == expected.tobytes()
