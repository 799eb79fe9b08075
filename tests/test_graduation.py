import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fiscalsim.demography.graduation import (
    graduate_counts,
    graduate_rates,
    graduate_shares,
    parse_age_groups,
)
from fiscalsim.refdata import CENSUS_AGE_GROUPS, WPP_ASFR_AGES, WPP_MX_AGES

counts_strategy = arrays(np.float64, (len(CENSUS_AGE_GROUPS),), elements=st.floats(0, 1e5))


def test_parse_age_groups():
    edges, open_last = parse_age_groups(["0", "1-4", "5-9", "10+"])
    assert edges.tolist() == [0, 1, 5, 10]
    assert open_last


@given(counts_strategy)
def test_census_graduation_preserves_group_totals_and_sign(counts):
    tail = np.full(16, 1 / 16)
    single = graduate_counts(CENSUS_AGE_GROUPS, counts, tail)
    edges, _ = parse_age_groups(CENSUS_AGE_GROUPS)
    for k in range(len(edges) - 1):
        lo, hi = int(edges[k]), int(edges[k + 1])
        np.testing.assert_allclose(single[lo:hi].sum(), counts[k], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(single[85:].sum(), counts[-1], rtol=1e-12, atol=1e-9)
    assert single.min() >= -1e-7


@given(arrays(np.float64, (len(WPP_MX_AGES),), elements=st.floats(1e-5, 1.0)))
def test_rate_graduation_preserves_group_means(rates):
    single = graduate_rates(WPP_MX_AGES, rates)
    edges, _ = parse_age_groups(WPP_MX_AGES)
    for k in range(len(edges) - 1):
        lo, hi = int(edges[k]), int(edges[k + 1])
        np.testing.assert_allclose(single[lo:hi].mean(), rates[k], rtol=1e-9)
    assert np.all(single[100:] == rates[-1])


@given(arrays(np.float64, (len(WPP_ASFR_AGES),), elements=st.floats(0.01, 50.0)))
def test_share_graduation_sums_to_one_within_groups(percent):
    single = graduate_shares(WPP_ASFR_AGES, percent)
    np.testing.assert_allclose(single.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(single[20:25].sum(), percent[2] / percent.sum(), rtol=1e-9)
    assert single[:10].sum() == 0 and single[55:].sum() == 0
