"""Wilson intervals, the two-proportion z-test and Holm's adjustment against statsmodels/scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pinpoint_kpi_pandas import stats
from pinpoint_kpi_pandas.errors import InvalidArgumentError

proportion = pytest.importorskip("statsmodels.stats.proportion")
multitest = pytest.importorskip("statsmodels.stats.multitest")
scipy_stats = pytest.importorskip("scipy.stats")

COUNTS = [(0, 10), (1, 10), (5, 10), (10, 10), (12, 100), (597, 1676), (5680, 29361), (3, 7)]


@pytest.mark.parametrize(("x", "n"), COUNTS)
@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.1])
def test_wilson_interval_matches_statsmodels(x, n, alpha):
    low, high = stats.wilson_interval(x, n, alpha=alpha)
    ref_low, ref_high = proportion.proportion_confint(x, n, alpha=alpha, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)


def test_wilson_interval_vectorised_and_zero_trials():
    x = np.array([c[0] for c in COUNTS] + [0])
    n = np.array([c[1] for c in COUNTS] + [0])
    low, high = stats.wilson_interval(x, n)
    ref_low, ref_high = proportion.proportion_confint(x[:-1], n[:-1], method="wilson")
    np.testing.assert_allclose(low[:-1], ref_low, atol=1e-12)
    np.testing.assert_allclose(high[:-1], ref_high, atol=1e-12)
    assert np.isnan(low[-1]) and np.isnan(high[-1])


@pytest.mark.parametrize(
    ("xa", "na", "xb", "nb"),
    [
        (120, 1000, 90, 1000),
        (260, 1000, 200, 1000),
        (21, 100, 200, 1000),
        (597, 1676, 5680, 29361),
        (5, 40, 9, 38),
        (1, 3, 2, 3),
    ],
)
def test_two_proportion_ztest_matches_statsmodels(xa, na, xb, nb):
    z, p = stats.two_proportion_ztest(xa, na, xb, nb)
    ref_z, ref_p = proportion.proportions_ztest([xa, xb], [na, nb])
    assert z == pytest.approx(ref_z, rel=1e-10)
    assert p == pytest.approx(ref_p, rel=1e-9)
    # and the same p-value from scipy's normal distribution
    assert p == pytest.approx(2 * scipy_stats.norm.sf(abs(ref_z)), rel=1e-9)


def test_two_proportion_ztest_nothing_to_test_is_nan():
    z, p = stats.two_proportion_ztest([0, 0, 3], [10, 0, 10], [0, 4, 0], [10, 10, 0])
    assert np.isnan(z).all() and np.isnan(p).all()


def test_normal_two_sided_p_in_the_tails_matches_scipy():
    for z in (0.0, 1.0, 1.959963984540054, 5.0, 12.0, 30.0):
        ref = 2 * scipy_stats.norm.sf(z)
        assert stats.normal_two_sided_p(z) == pytest.approx(ref, rel=1e-9)
    assert math.isnan(stats.normal_two_sided_p(float("nan")))


def test_holm_matches_statsmodels():
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.001, 0.04])
    ref = multitest.multipletests(p, method="holm")[1]
    np.testing.assert_allclose(stats.holm_adjust(p), ref, rtol=1e-12)


def test_holm_ignores_nan():
    p = [0.01, np.nan, 0.04]
    ref = multitest.multipletests([0.01, 0.04], method="holm")[1]
    out = stats.holm_adjust(p)
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[[0, 2]], ref)


@pytest.mark.parametrize(
    ("x", "n", "message"),
    [(-1, 10, "negative"), (11, 10, "exceed"), (1, -2, "negative")],
)
def test_bad_counts_are_refused(x, n, message):
    # the library's error (still a ValueError for code that catches those)
    with pytest.raises(InvalidArgumentError, match=message):
        stats.wilson_interval(x, n)
    with pytest.raises(ValueError, match=message):
        stats.two_proportion_ztest(x, n, 1, 10)


def test_bad_alpha_is_refused():
    with pytest.raises(InvalidArgumentError, match="alpha"):
        stats.wilson_interval(1, 2, alpha=1.5)
