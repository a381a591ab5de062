"""The period report to the province, in the field reports' own terms (Vietnamese)."""

from __future__ import annotations

from datetime import date

from ansinh.common.notation import num, pct, vi_date

from .queries import OfficeFigures


def _when(on: date) -> str:
    return f"tháng {on.month:02d}/{on.year}"


def _baseline(d: date) -> str:
    nxt = date.fromordinal(d.toordinal() + 1)
    if nxt.day == 1:
        return f"tháng {d.month:02d}/{d.year}"
    return f"ngày {vi_date(d)}"


def _more(change: int) -> str:
    if change > 0:
        return f"tăng {num(change)} người"
    if change < 0:
        return f"giảm {num(-change)} người"
    return "không thay đổi"


def headline(f: OfficeFigures) -> list[str]:
    """'Tính đến tháng 04/2025, ... 4.760 người tham gia BHXH tự nguyện, đạt 82,75% kế hoạch
    năm, tăng 233 người so với tháng 12/2024.'"""
    lines = []
    vsi = f"Tính đến {_when(f.on)}, {f.office} có {num(f.vsi.count)} người tham gia BHXH tự nguyện"
    if f.vsi.target:
        vsi += f", đạt {pct(f.vsi.share)} kế hoạch năm ({num(f.vsi.target)} người)"
    vsi += f", {_more(f.vsi.change)} so với {_baseline(f.baseline)}."
    lines.append(vsi)
    hi = f"BHYT hộ gia đình: {num(f.hi.count)} người tham gia"
    if f.hi.target:
        hi += f", đạt {pct(f.hi.share)} kế hoạch năm"
    if f.hi_coverage is not None:
        hi += f", bằng {pct(f.hi_coverage)} dân số"
    hi += f", {_more(f.hi.change)} so với {_baseline(f.baseline)}."
    lines.append(hi)
    new = f"Phát triển mới từ đầu năm: {num(f.vsi_new.count)} người BHXH tự nguyện"
    if f.vsi_new.target:
        new += f" (đạt {pct(f.vsi_new.share)} chỉ tiêu)"
    new += f", {num(f.hi_new.count)} người BHYT hộ gia đình"
    if f.hi_new.target:
        new += f" (đạt {pct(f.hi_new.share)} chỉ tiêu)"
    lines.append(new + ".")
    if f.on_time is not None:
        lines.append(
            f"Tỷ lệ thu BHXH tự nguyện đúng hạn {_when(f.on_time_month)}: {pct(f.on_time)}."
        )
    c = f.campaigns
    if c.groups:
        lines.append(
            f"Mô hình tổ vận động: {num(c.groups)} tổ, {num(c.days)} ngày ra quân, vận động mới "
            f"{num(c.new_vsi)} người tham gia BHXH tự nguyện và {num(c.new_hi)} người tham gia "
            f"BHYT, đạt {pct(c.plan_share)} kế hoạch ra quân."
        )
    return lines
