"""The 2025 map loads once, fast, with folded names."""

import time

import pytest
from django.core.management import call_command

from ansinh.places.loader import load_places
from ansinh.places.models import Commune, Province


@pytest.mark.django_db
def test_load_places_is_complete_fast_and_idempotent():
    started = time.monotonic()
    call_command("load_places", verbosity=0)
    assert time.monotonic() - started < 5
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    hoa_long = Commune.objects.get(code="30208")
    assert hoa_long.province_id == "82"
    assert hoa_long.name == "Xã Hòa Long"
    assert hoa_long.kind == "xã"
    assert hoa_long.name_folded == "xa hoa long"
    assert Province.objects.get(code="01").name == "Thành phố Hà Nội"
    assert load_places() == (0, 0)


@pytest.mark.django_db
def test_load_places_fills_gaps():
    load_places()
    Commune.objects.filter(code="30208").delete()
    assert load_places() == (0, 1)
    assert Commune.objects.count() == 3321
