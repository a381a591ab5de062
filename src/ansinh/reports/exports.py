"""Excel files of the dashboard's tables (titles in Vietnamese; every cell neutralised)."""

from ansinh.campaigns.choices import MEMBER_ROLE_VI
from ansinh.common.excel import build_workbook, workbook_response
from ansinh.common.notation import vi_date

from .period import headline
from .queries import OfficeFigures


def _pct(value):
    return float(value) if value is not None else None


def dashboard_xlsx(f: OfficeFigures):
    """The dashboard as a workbook: the office and its communes, then the ranking."""
    wb = build_workbook(
        f"KẾT QUẢ PHÁT TRIỂN NGƯỜI THAM GIA BHXH TỰ NGUYỆN, BHYT HỘ GIA ĐÌNH ĐẾN {vi_date(f.on)}",
        _summary_headers(f),
        _summary_rows(f),
        subtitle_lines=[str(f.office), *headline(f)],
        sheet_name="Tổng hợp",
    )
    _ranking_sheet(wb, f)
    return wb


def _summary_rows(f: OfficeFigures) -> list[list]:
    """The whole office, then one row per commune (counts, targets, shares, changes)."""
    return [
        [
            "Toàn đơn vị",
            f.population,
            sum(c.working_age or 0 for c in f.communes) or None,
            f.vsi.count,
            f.vsi.target,
            _pct(f.vsi.share),
            f.vsi.baseline,
            f.vsi.change,
            f.hi.count,
            f.hi.target,
            _pct(f.hi.share),
            _pct(f.hi_coverage),
            f.hi.change,
        ],
    ] + [
        [
            c.name,
            c.population,
            c.working_age,
            c.vsi,
            c.vsi_target,
            _pct(c.vsi_share),
            c.vsi_base,
            c.vsi_change,
            c.hi,
            c.hi_target,
            _pct(c.hi_share),
            _pct(c.hi_coverage),
            c.hi_change,
        ]
        for c in f.communes
    ]


def _summary_headers(f: OfficeFigures) -> list[str]:
    return [
        "Xã/phường",
        "Dân số",
        "Dân số trong độ tuổi lao động",
        "BHXH TN: số người",
        "BHXH TN: kế hoạch",
        "BHXH TN: % kế hoạch",
        f"BHXH TN: {vi_date(f.baseline)}",
        "BHXH TN: tăng/giảm",
        "BHYT HGĐ: số người",
        "BHYT HGĐ: kế hoạch",
        "BHYT HGĐ: % kế hoạch",
        "BHYT HGĐ: % dân số",
        "BHYT HGĐ: tăng/giảm",
    ]


def _ranking_sheet(wb, f: OfficeFigures) -> None:
    """The quarter's ranking of mobilisers and collectors, on a sheet of its own."""
    ws = wb.create_sheet("Xếp hạng")
    ws.append([f"BẢNG XẾP HẠNG CỘNG TÁC VIÊN, NHÂN VIÊN THU QUÝ {f.quarter[1]}/{f.quarter[0]}"])
    ws.append(
        [
            "Hạng",
            "Họ tên",
            "Vai trò",
            "BHXH TN mới",
            "BHYT mới",
            "Còn đóng",
            "Số năm liên tiếp trong top 5",
        ]
    )
    for r in f.leaders:
        ws.append(
            [
                r.rank,
                _safe(r.name),
                MEMBER_ROLE_VI.get(r.role, r.role),
                r.new_vsi,
                r.new_hi,
                r.still_paying,
                r.years_in_top,
            ]
        )


def _safe(value):
    from ansinh.common.excel import safe_cell

    return safe_cell(value)


def leaderboard_xlsx(office, year, quarter, leaders):
    wb = build_workbook(
        f"BẢNG XẾP HẠNG CỘNG TÁC VIÊN, NHÂN VIÊN THU QUÝ {quarter}/{year}",
        [
            "Hạng",
            "Họ tên",
            "Vai trò",
            "BHXH TN mới",
            "BHYT mới",
            "Còn đóng",
            "Khen thưởng",
            "Số năm liên tiếp trong top 5",
        ],
        [
            [
                r.rank,
                r.name,
                MEMBER_ROLE_VI.get(r.role, r.role),
                r.new_vsi,
                r.new_hi,
                r.still_paying,
                "x" if r.top else "",
                r.years_in_top,
            ]
            for r in leaders
        ],
        subtitle_lines=[str(office)],
        sheet_name="Xếp hạng",
    )
    return workbook_response(wb, f"xep-hang-q{quarter}-{year}.xlsx")


def response(wb, name):
    return workbook_response(wb, name)
