"""Load today's map (34 provinces, 3,321 communes since 2025-07-01) from `vietnam-provinces`.

Idempotent: only the provinces and communes that are missing are inserted, in bulk.
"""

from django.db import transaction

from ansinh.common.text import fold

from .models import Commune, Province


def load_places() -> tuple[int, int]:
    """Insert the missing provinces and communes; return how many of each were added."""
    from vietnam_provinces import Province as PackageProvince
    from vietnam_provinces import Ward

    provinces = list(PackageProvince.iter_all())
    wards = list(Ward.iter_all())
    have_provinces = set(Province.objects.values_list("code", flat=True))
    have_communes = set(Commune.objects.values_list("code", flat=True))
    if len(have_provinces) >= len(provinces) and len(have_communes) >= len(wards):
        return 0, 0

    new_provinces = [
        Province(code=f"{p.code.value:02d}", name=p.name, codename=p.codename)
        for p in provinces
        if f"{p.code.value:02d}" not in have_provinces
    ]
    new_communes = [
        Commune(
            code=f"{w.code.value:05d}",
            province_id=f"{w.province_code.value:02d}",
            name=w.name,
            kind=w.division_type.value,
            # bulk_create bypasses Commune.save(), which computes the folded name.
            name_folded=fold(w.name),
        )
        for w in wards
        if f"{w.code.value:05d}" not in have_communes
    ]
    with transaction.atomic():
        Province.objects.bulk_create(new_provinces, batch_size=500)
        Commune.objects.bulk_create(new_communes, batch_size=500)
    return len(new_provinces), len(new_communes)


def province_names() -> dict[str, str]:
    """Today's provinces, code -> name ('01': 'Thành phố Hà Nội'), from the same package the
    map is loaded from (no database needed: the `ansinh` command checks --province with it)."""
    from vietnam_provinces import Province as PackageProvince

    return {f"{p.code.value:02d}": p.name for p in PackageProvince.iter_all()}
