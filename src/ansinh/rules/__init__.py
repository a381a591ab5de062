"""AnSinh "law as code": pure Python, no Django.

Every legal figure lives in an effective-dated :class:`ParameterTable`
(:data:`DEFAULT_PARAMETERS` with sources; unconfirmed rows are flagged).
Money is whole dong (``int``); computations are exact and rounded once, half
up (see :mod:`ansinh.rules.money`).
"""

from .benefits import funeral_grant, maternity_eligible, maternity_grant, social_pension
from .hi import HiQuote, MemberShare, card_validity_start, hi_periods, hi_quote
from .money import fmt_dong, round_dong
from .months import Month, iter_months
from .parameters import (
    DEFAULT_PARAMETERS,
    MissingParameter,
    Param,
    ParameterTable,
    ParameterUse,
    default_table,
    track_parameters,
)
from .pension import (
    ContributionMonth,
    PensionAssessment,
    Projection,
    adjustment_coefficient,
    assess,
    average_income,
    constant_history,
    pension_rate_percent,
    project_continuation,
)
from .retirement import Retirement, retirement, retirement_age_for_year
from .vsi import (
    PAYMENT_METHODS,
    SUPPORT_GROUPS,
    IncomeOutOfRange,
    VsiQuote,
    advance_lump_sum,
    income_bounds,
    missing_years_lump_sum,
    payment_deadline,
    support_rate,
    vsi_quote,
)

__all__ = [
    "DEFAULT_PARAMETERS",
    "PAYMENT_METHODS",
    "SUPPORT_GROUPS",
    "ContributionMonth",
    "HiQuote",
    "IncomeOutOfRange",
    "MemberShare",
    "MissingParameter",
    "Month",
    "Param",
    "ParameterTable",
    "ParameterUse",
    "PensionAssessment",
    "Projection",
    "Retirement",
    "VsiQuote",
    "adjustment_coefficient",
    "advance_lump_sum",
    "assess",
    "average_income",
    "card_validity_start",
    "constant_history",
    "default_table",
    "fmt_dong",
    "funeral_grant",
    "hi_periods",
    "hi_quote",
    "income_bounds",
    "iter_months",
    "maternity_eligible",
    "maternity_grant",
    "missing_years_lump_sum",
    "payment_deadline",
    "pension_rate_percent",
    "project_continuation",
    "retirement",
    "retirement_age_for_year",
    "round_dong",
    "social_pension",
    "support_rate",
    "track_parameters",
    "vsi_quote",
]
