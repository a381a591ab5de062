"""The end-of-day report to the commune leaders (Word, PDF), the text for the leaders' chat
group, and the communication activities as Excel. All in Vietnamese, from `day_results`."""

from __future__ import annotations

from io import BytesIO

from django.template.loader import render_to_string

from ansinh.common.excel import build_workbook, workbook_response
from ansinh.common.notation import num, pct, vi_date

from .choices import ACTIVITY_VI, REFUSAL_VI, Outcome


def _title(results) -> str:
    day = results.day
    return (
        f"BÁO CÁO KẾT QUẢ NGÀY RA QUÂN VẬN ĐỘNG THAM GIA BHXH TỰ NGUYỆN, BHYT HỘ GIA ĐÌNH "
        f"– {day.group.commune.name.upper()}, NGÀY {vi_date(day.date)}"
    )


def _summary_lines(results) -> list[str]:
    day, t = results.day, results.total
    place = day.place + (f", {day.hamlet.name}" if day.hamlet else "")
    return [
        f"Tổ vận động: {day.group.name} ({day.group.members.count()} thành viên); "
        f"địa điểm tập trung: {place}.",
        f"Số hộ/người được gặp: {num(t.visits)}; đăng ký ngay: "
        f"{num(results.outcomes.get(Outcome.ENROLLED, 0))}; hẹn tham gia: "
        f"{num(results.outcomes.get(Outcome.WILL_ENROL, 0))}; từ chối: "
        f"{num(results.outcomes.get(Outcome.REFUSED, 0))}; vắng nhà: "
        f"{num(results.outcomes.get(Outcome.NOT_HOME, 0))}.",
        f"BHXH tự nguyện: phát triển mới {num(t.new_vsi)}/{num(t.target_vsi)} người theo chỉ tiêu, "
        f"đạt {pct(t.vsi_share)}.",
        f"BHYT hộ gia đình: phát triển mới {num(t.new_hi)}/{num(t.target_hi)} người theo chỉ tiêu, "
        f"đạt {pct(t.hi_share)}.",
    ]


def chat_text(results) -> str:
    """A short message to paste into the leaders' chat group (Zalo)."""
    day, t = results.day, results.total
    lines = [
        f"📣 Kết quả ra quân ngày {vi_date(day.date)} – {day.group.commune.name}",
        f"Tổ: {day.group.name}, tại {day.place}" + (f" ({day.hamlet.name})" if day.hamlet else ""),
        f"• BHXH tự nguyện mới: {num(t.new_vsi)}/{num(t.target_vsi)} (đạt {pct(t.vsi_share)})",
        f"• BHYT hộ gia đình mới: {num(t.new_hi)}/{num(t.target_hi)} (đạt {pct(t.hi_share)})",
        f"• Đã gặp {num(t.visits)} hộ/người; từ chối {num(results.outcomes.get('refused', 0))}",
    ]
    best = sorted(results.by_member, key=lambda m: (-(m.new_vsi + m.new_hi), m.label))[:3]
    if best and best[0].new_vsi + best[0].new_hi:
        lines.append(
            "• Thành viên tích cực: "
            + ", ".join(f"{m.label} ({m.new_vsi + m.new_hi})" for m in best if m.new_vsi + m.new_hi)
        )
    if day.lessons:
        lines.append(f"Bài học kinh nghiệm: {day.lessons}")
    lines.append("Đi từng ngõ, gõ từng nhà, rà từng người!")
    return "\n".join(lines)


def day_report_docx(results) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    day = results.day
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    head = doc.add_table(rows=1, cols=2)
    head.cell(0, 0).text = f"{str(day.group.campaign.office).upper()}\n"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(_title(results))
    run.bold = True
    doc.add_paragraph(f"Kính gửi: Thường trực Đảng ủy, Ủy ban nhân dân {day.group.commune.name}.")
    doc.add_heading("I. Kết quả chung", level=2)
    for line in _summary_lines(results):
        doc.add_paragraph(line, style="List Bullet")
    for heading, rows in (
        ("II. Kết quả theo ấp", results.by_hamlet),
        ("III. Kết quả theo thành viên tổ", results.by_member),
    ):
        doc.add_heading(heading, level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ["Ấp / thành viên", "Số lượt gặp", "BHXH TN mới", "BHYT HGĐ mới"],
            strict=True,
        ):
            cell.text = text
        for r in rows:
            cells = table.add_row().cells
            for cell, text in zip(
                cells, [r.label, num(r.visits), num(r.new_vsi), num(r.new_hi)], strict=True
            ):
                cell.text = text
    if results.refusals:
        doc.add_heading("IV. Lý do chưa tham gia", level=2)
        for code, _label, n in results.refusals:
            doc.add_paragraph(f"{REFUSAL_VI[code]}: {num(n)}", style="List Bullet")
    doc.add_heading("V. Bài học kinh nghiệm", level=2)
    doc.add_paragraph(day.lessons or "(chưa ghi)")
    doc.add_paragraph(f"\n{day.group.commune.name}, ngày {vi_date(day.date)}")
    leader = day.group.leader
    doc.add_paragraph(f"TỔ TRƯỞNG\n\n\n{leader.mobiliser.full_name if leader else ''}")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def day_report_pdf(results, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "campaigns/day_report_print.html",
        {
            "r": results,
            "day": results.day,
            "refusals_vi": [(REFUSAL_VI[c], n) for c, _l, n in results.refusals],
            "title": _title(results),
            "lines": _summary_lines(results),
            "leader": results.day.group.leader,
        },
    )
    base = request.build_absolute_uri("/") if request else None
    return HTML(string=html, base_url=base).write_pdf()


def activities_xlsx(office, activities):
    rows = [
        [
            vi_date(a.date),
            ACTIVITY_VI[a.kind],
            a.commune.name,
            a.reach,
            a.cost,
            a.campaign.name if a.campaign else "",
            a.note,
        ]
        for a in activities
    ]
    wb = build_workbook(
        "HOẠT ĐỘNG TUYÊN TRUYỀN",
        [
            "Ngày",
            "Hình thức",
            "Xã/phường",
            "Số người tiếp cận",
            "Kinh phí (đ)",
            "Chiến dịch",
            "Ghi chú",
        ],
        rows,
        subtitle_lines=[str(office)],
        money_columns=[4],
        sheet_name="Tuyên truyền",
    )
    return workbook_response(wb, "hoat-dong-tuyen-truyen.xlsx")
