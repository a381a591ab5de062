"""Our figures against worked examples published by BHXH offices, the press and legal sites
(issue 11: "test each against worked examples found in the decrees and official guidance,
cite them in the parameters' sources").

Each test reproduces one published example with the rules engine and the shipped table, and
names its address; the parameter rows the example checks cite the same address in their
``source`` (checked by ``cited``). Where our figure differs, the test says why.

What no published example was found for (searched December 2026, Vietnamese and English):

* the discounted advance lump sum (Decree 159/2025 art. 6, ``vsi.advance``): articles and
  VSS's pages state the mode and its 5-year limit, none gives an amount. BHXH Tuyen Quang's
  calculator (http://tracuu.bhxhtuyenquang.gov.vn/DongMotLanChoNhieuNam) asks for the rate
  but publishes no figure; it asks for a *yearly* rate ("Lãi suất năm") where our table holds
  a monthly one (``vsi.fund_monthly_return``, ASSUMED 0.5%).
* paying back missed months with interest (``payback``; the switch is UNCONFIRMED);
* the Decree 159/2025 refund of unused prepaid months (its formula is quoted, no figures);
* the missing-years lump sum at Decree 159/2025's rate: the one figure found is from 2016
  (below) and its rate is not stated.

So tests/rules/test_payment_modes.py's figures for those modes stay hand-computed from the
formulas, as its comments say.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from ansinh.rules.hi import hi_quote
from ansinh.rules.months import Month
from ansinh.rules.parameters import DEFAULT_PARAMETERS, ParameterTable, default_table
from ansinh.rules.pension import constant_history, one_time_withdrawal
from ansinh.rules.vsi import compounded_total, income_bounds, vsi_quote

T = default_table()

LAODONG_2025 = (
    "https://news.laodong.vn/cong-doan/muc-dong-bao-hiem-xa-hoi-tu-nguyen-moi-nhat-1568908.ldo"
)
TIMES24H_2019 = (
    "https://www.times24h.com/social-insurance-how-much-is-the-minimum-benefit-and-how-many-"
    "years-can-i-get-a-pension/"
)
VSS_2019 = (
    "https://vss.gov.vn/english/news/Pages/vietnam-social-security.aspx?CateID=198&ItemID=8994"
)
VSS_QA_1641 = "https://vss.gov.vn/english/question/Pages/default.aspx?ItemID=1641"
BAONGHEAN_2016 = "https://baonghean.vn/en/print/10097176.html"
TM247_HI = "http://tm247.info/bangtinhdongbhyt.html"
TLK_HI_2023 = (
    "https://en.tlklawfirm.vn/tu-01-07-muc-dong-bao-hiem-y-te-ho-gia-dinh-thay-doi-ra-sao-khi-"
    "luong-co-so-tang"
)
VNNOW_HI_2024 = (
    "https://vnnow.net/en/health/voters-propose-abolishing-health-insurance-fees-based-on-"
    "base-salary-164050.html"
)
LAWNET_WITHDRAWAL = (
    "https://lawnet.vn/ngan-hang-phap-luat/en/tu-van-phap-luat/bao-hiem/how-much-is-the-one-"
    "time-social-insurance-benefit-after-working-at-a-company-for-17-years-1015894"
)

GROUPS = ("poor", "near_poor", "ethnic_minority", "island", "other")


def cited(url: str, key: str, on: date) -> bool:
    """The row of ``key`` in force on ``on`` names ``url`` in its source."""
    return url in T.row(key, on).source


def test_laodong_2025_support_floor_and_ceiling():
    """Lao Dong, quoting BHXH Ho Chi Minh City on Decree 159/2025 (LAODONG_2025).

    Income from 1,500,000 (rural poverty line) to 46,800,000 (20 x 2,340,000); state support
    a month: 165,000 poor households and island communes (50%), 132,000 near-poor (40%),
    99,000 ethnic minorities (30%), 66,000 others (20%), for at most 120 months. Ours equal.
    """
    aug25 = date(2025, 8, 1)
    assert income_bounds(T, aug25) == (1_500_000, 46_800_000)
    published = {
        "poor": 165_000,
        "island": 165_000,
        "near_poor": 132_000,
        "ethnic_minority": 99_000,
        "other": 66_000,
    }
    ours = {g: vsi_quote(T, 1_500_000, [g], aug25).support_monthly for g in GROUPS}
    assert ours == published
    assert vsi_quote(T, 1_500_000, ["poor"], aug25).support_months_cap == 120
    for key in [f"vsi.support.{g}" for g in GROUPS] + [
        "vsi.support.max_months",
        "vsi.income.floor_key",
        "vsi.income.ceiling_multiplier",
    ]:
        assert cited(LAODONG_2025, key, aug25), key


def test_times24h_decree_134_support_and_extremes():
    """times24h (TIMES24H_2019), Decree 134/2015 with the rural poverty line 700,000 and the
    base salary 1,490,000 (in force together 2019-07 to 2021-12): support 46,200 poor (30%),
    38,500 near-poor (25%), 15,400 others (10%); lowest payment 138,600 (700,000 x 22% less
    15,400), highest 6,540,600 (29,800,000 x 22% less 15,400). Ours equal.
    """
    on = date(2020, 1, 1)
    assert income_bounds(T, on) == (700_000, 29_800_000)
    ours = {g: vsi_quote(T, 700_000, [g], on).support_monthly for g in GROUPS}
    assert (ours["poor"], ours["near_poor"], ours["other"]) == (46_200, 38_500, 15_400)
    assert ours["ethnic_minority"] == 15_400  # Decree 134 has no ethnic group: "other cases"
    assert vsi_quote(T, 700_000, ["other"], on).net_monthly == 138_600
    assert vsi_quote(T, 29_800_000, ["other"], on).net_monthly == 6_540_600
    for g in ("poor", "near_poor", "ethnic_minority", "other"):
        assert cited(TIMES24H_2019, f"vsi.support.{g}", on), g
    assert cited(TIMES24H_2019, "vsi.income.ceiling_multiplier", on)


def test_vss_2019_lowest_and_highest_contribution():
    """Vietnam Social Security, 25/10/2019 (VSS_2019): the lowest contribution 154,000 a
    month (22% x 700,000), the highest at 20 x 1,490,000 "VND6.559 million".

    Ours: 154,000, equal; the highest 6,556,000 (22% x 29,800,000 exactly), not 6,559,000.
    The page's figure is not 22% of any income the law allows then (6,559,000 / 22% is
    29,813,636, above the ceiling), so we read it as a slip of the page; times24h's highest
    net payment, 6,540,600 = 6,556,000 - 15,400, agrees with ours (test above).
    """
    on = date(2019, 10, 25)
    assert vsi_quote(T, 700_000, [], on).gross_monthly == 154_000
    highest = vsi_quote(T, 29_800_000, [], on).gross_monthly
    assert highest == 6_556_000 and highest != 6_559_000
    assert cited(VSS_2019, "vsi.rate", on)


def test_vss_qa_decree_134_lump_sum_limits():
    """VSS question and answer, 20/10/2020 (VSS_QA_1641), under Decree 134/2015: the advance
    lump sum "for not more than 5 years" a payment (ours 5, equal); the missing years "10
    years (120 months) at most", to reach 20 years.

    Ours differs for the missing years: ``vsi.missing_years.max_years`` ships one row, 5
    from 2018-01-01 (Law 41/2024 art. 36, rules.md), so a quote dated before 2025-07-01 is
    held to 5 years where Decree 134/2015 allowed 10. Quotes are made as of today, so this
    only matters for a past date; the row is not split in the shipped table because
    ``parameters.table.seed_defaults`` adds rows and never edits one, and an office's table
    would then hold two overlapping rows (which the table refuses). The row's note says so;
    an office can split it in /admin/.
    """
    on = date(2020, 10, 20)
    assert T.value("vsi.advance.max_years", on) == 5
    assert cited(VSS_QA_1641, "vsi.advance.max_years", on)
    assert T.value("vsi.missing_years.max_years", on) == 5  # the decree then: 10
    assert "ItemID=1641" in T.row("vsi.missing_years.max_years", on).note


def test_baonghean_2016_missing_years_lump_sum():
    """Nghe An newspaper, 2016 (BAONGHEAN_2016), on Circular 01/2016 (base salary
    1,150,000, rural poverty line 700,000): the lowest monthly contribution 154,000, the
    highest 5,060,000 (20 x 1,150,000 x 22%); paying 120 missing months at the highest
    income "the highest amount to pay is 670 million VND" (and "about 165 thousand" a month
    at the lowest, both with the interest).

    Ours: 154,000 and 5,060,000, equal. The 670 million is not stated with its rate, so it
    cannot be reproduced: at our ASSUMED r = 0.5% a month the formula gives 833,375,642; the
    article's figure matches the same formula at r of about 0.16% a month (about 1.9% a
    year), 669,890,213. This is a warning about ``vsi.fund_monthly_return`` (UNCONFIRMED):
    the published rate of the year must be set. "About 165 thousand" a month is rounder
    still (154,000 x 1.0016^i is 154,246 to 186,569 over the 120 months).
    """
    on = date(2016, 4, 15)
    assert income_bounds(T, on) == (700_000, 23_000_000)
    assert vsi_quote(T, 700_000, [], on).gross_monthly == 154_000
    assert vsi_quote(T, 23_000_000, [], on).gross_monthly == 5_060_000
    at_assumed = compounded_total(T, 23_000_000, 120, on, Decimal("0.005"))
    assert at_assumed == 833_375_642
    at_implied = compounded_total(T, 23_000_000, 120, on, Decimal("0.0016"))
    assert abs(at_implied - 670_000_000) < 670_000  # within 0.1% of the article's figure
    assert cited(BAONGHEAN_2016, "vsi.income.ceiling_multiplier", on)
    assert "baonghean" in T.row("vsi.fund_monthly_return", date(2025, 8, 1)).note


def test_tm247_household_hi_table_at_base_1490000():
    """tm247.info's table of household HI (TM247_HI), before 01/07/2023 (base 1,490,000):
    a month 67,050 / 46,935 / 40,230 / 33,525 / 26,820 (first to fifth), a year 804,600 /
    563,220 / 482,760 / 402,300 / 321,840; households of 2 to 6 a year 1,367,820 /
    1,850,580 / 2,252,880 / 2,574,720 / 2,896,560. Ours equal.
    """
    on = date(2022, 1, 1)
    q = hi_quote(T, 6, on, 12)
    assert [s.monthly for s in q.per_member] == [67_050, 46_935, 40_230, 33_525, 26_820, 26_820]
    assert [s.amount for s in q.per_member][:5] == [804_600, 563_220, 482_760, 402_300, 321_840]
    totals = [hi_quote(T, n, on, 12).total for n in range(1, 7)]
    assert totals == [804_600, 1_367_820, 1_850_580, 2_252_880, 2_574_720, 2_896_560]
    for key in ("hi.rate", "hi.ladder.1", "hi.ladder.5"):
        assert cited(TM247_HI, key, on), key


def test_tlk_household_hi_from_july_2023():
    """TLK Law Firm (TLK_HI_2023), base 1,800,000 from 01/07/2023: first member 81,000 a
    month, 972,000 a year (before: 67,050 and 804,600); second 56,700 and 680,400 (before
    46,935). Ours equal.
    """
    after, before = hi_quote(T, 2, date(2023, 7, 1), 12), hi_quote(T, 2, date(2023, 6, 1), 12)
    assert [(s.monthly, s.amount) for s in after.per_member] == [(81_000, 972_000),
                                                                 (56_700, 680_400)]  # fmt: skip
    assert (before.per_member[0].monthly, before.per_member[0].amount) == (67_050, 804_600)
    assert before.per_member[1].monthly == 46_935
    assert cited(TLK_HI_2023, "hi.ladder.2", date(2023, 7, 1))


def test_vnnow_household_hi_at_base_2340000():
    """vnnow, the Minister of Health's answer to voters (VNNOW_HI_2024), base 2,340,000: a
    month 105,300 first, 73,710 second, 63,180 third, 52,650 fourth, 42,120 fifth and later,
    "over 1,2 million" a year for the first. Ours equal, under Decree 146/2018 (before
    2025-07-01) and Decree 188/2025 (after) alike.
    """
    for on in (date(2025, 1, 1), date(2025, 8, 1)):
        q = hi_quote(T, 6, on, 12)
        assert [s.monthly for s in q.per_member] == [105_300, 73_710, 63_180, 52_650, 42_120,
                                                     42_120]  # fmt: skip
        assert q.per_member[0].amount == 1_263_600 > 1_200_000
    assert cited(VNNOW_HI_2024, "hi.ladder.1", date(2025, 8, 1))


def test_lawnet_one_time_withdrawal_two_years_from_2014():
    """LawNet (LAWNET_WITHDRAWAL): 2 years of contributions, 01/01/2018 to 01/01/2020, an
    average monthly salary of 5,000,000: "2*2*5 = 20 million VND". Ours equal.

    The example gives the average already adjusted, so the test sets the adjustment
    coefficients to 1; with the shipped ones (2018 1.26, 2019 1.22, UNCONFIRMED) 5,000,000
    a month in 2018-2019 averages 6,200,000 and gives 24,800,000.
    """
    ones = ParameterTable(
        replace(p, value=Decimal(1)) if p.key.startswith("pension.adjustment.") else p
        for p in DEFAULT_PARAMETERS
    )
    history = constant_history(Month(2018, 1), 24, 5_000_000, "compulsory")
    w = one_time_withdrawal(ones, history, Month(2021, 1))
    assert (w.average_income, w.years_from, w.amount) == (5_000_000, 2, 20_000_000)
    assert one_time_withdrawal(T, history, Month(2021, 1)).amount == 24_800_000
    assert cited(LAWNET_WITHDRAWAL, "withdrawal.multiplier.from_2014", date(2021, 1, 1))
