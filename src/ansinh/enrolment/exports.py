"""The participant list as an Excel file to hand over."""

from datetime import date

from ansinh.common.excel import build_workbook, workbook_response
from ansinh.common.templatetags.ansinh import masked, masked_code, masked_phone

STATUS_VI = {"active": "Đang đóng", "suspended": "Tạm dừng", "stopped": "Đã dừng", None: ""}


def participants_workbook(user, queryset):
    office = user.office.name_on() if getattr(user, "office", None) else "Bảo hiểm xã hội"
    headers = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Số CCCD",
        "Mã số BHXH",
        "Điện thoại",
        "Địa chỉ",
        "Ấp",
        "Xã/phường",
        "BHXH tự nguyện",
        "Mức thu nhập",
        "Đóng đến tháng",
        "Thẻ BHYT đến",
        "Người thu",
    ]

    def rows():
        for i, p in enumerate(queryset.iterator(chunk_size=2000), start=1):
            yield [
                i,
                p.full_name,
                p.birth_date.strftime("%Y")
                if p.birth_year_only
                else p.birth_date.strftime("%d/%m/%Y"),
                "Nữ" if p.sex == "F" else "Nam",
                masked(p.cccd, user),
                masked_code(p.si_code, user),
                masked_phone(p.phone, user),
                p.address,
                p.hamlet.name if p.hamlet else "",
                p.commune.name,
                STATUS_VI.get(p.vsi_status, ""),
                p.vsi_income,
                p.vsi_paid_through.strftime("%m/%Y") if p.vsi_paid_through else "",
                p.hi_card_to.strftime("%d/%m/%Y") if p.hi_card_to else "",
                p.collector.full_name if p.collector else "",
            ]

    wb = build_workbook(
        "DANH SÁCH NGƯỜI THAM GIA",
        headers,
        rows(),
        subtitle_lines=[office, f"Ngày lập: {date.today():%d/%m/%Y}"],
        signatures=["Người lập biểu", "", "", "", "Thủ trưởng đơn vị"],
        money_columns=[11],
    )
    return workbook_response(wb, f"danh-sach-{date.today():%Y%m%d}.xlsx")
