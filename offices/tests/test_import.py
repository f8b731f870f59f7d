"""Importing and exporting offices: every row checked, all or nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from offices.demo import demo_offices_load, demo_rows
from offices.models import Office, OfficeHours
from offices.services import OfficeImportError, offices_export, offices_import

pytestmark = pytest.mark.django_db

HEADER = (
    "code,city,name,kind,address,latitude,longitude,phone,services,"
    "technical_specialists,accessibility,hours\n"
)
GOOD = (
    'kzn-1,Казань,Офис на Баумана,service,"ул. Баумана, 1",55.79,49.12,'
    '+78432000000,"internet,tv",yes,Пандус,"mon-fri 09:00-18:00 break 13:00-14:00"\n'
)


@pytest.fixture(autouse=True)
def _cities(reference_data):
    pass


def test_a_good_file_creates_offices_with_their_week():
    counts = offices_import(HEADER + GOOD)

    assert counts == {"created": 1, "updated": 0}
    office = Office.objects.get(code="kzn-1")
    assert office.city.slug == "kazan"
    assert office.technical_specialists
    assert [kind.code for kind in office.service_types.order_by("code")] == [
        "internet",
        "tv",
    ]
    assert OfficeHours.objects.filter(office=office).count() == 5
    assert str(office.phone) == "+78432000000"


def test_importing_again_updates_by_code():
    offices_import(HEADER + GOOD)

    counts = offices_import(HEADER + GOOD.replace("Офис на Баумана", "Офис в Кремле"))

    assert counts == {"created": 0, "updated": 1}
    assert Office.objects.get().name == "Офис в Кремле"
    assert OfficeHours.objects.count() == 5


def test_one_bad_row_imports_nothing_and_names_every_line():
    bad = (
        HEADER
        + GOOD
        + 'kzn-2,Атлантида,Офис,service,"ул. Нет, 1",95,49.12,,,,,mon 09:00-18:00\n'
        + 'kzn-3,Казань,,shop,"ул. Да, 2",55.8,49.1,12,radio,maybe,,mon 18:00-09:00\n'
        + GOOD
    )

    with pytest.raises(OfficeImportError) as raised:
        offices_import(bad)

    assert not Office.objects.exists()
    errors = raised.value.errors
    lines = {line for line, _message in errors}
    assert lines == {3, 4, 5}
    text = "\n".join(f"{line}: {message}" for line, message in errors)
    for expected in (
        "3: неизвестный город «Атлантида»",
        "3: latitude: должно быть от -90 до 90",
        "4: name: пусто",
        "4: kind: допустимо одно из",
        "4: телефон «12» указан неверно",
        "4: неизвестная услуга «radio»",
        "4: technical_specialists: нужно yes или no",
        "4: часы работы:",
        "5: код kzn-1 уже есть в строке 2",
    ):
        assert expected in text, expected


def test_a_file_without_the_columns_or_not_json_is_refused():
    with pytest.raises(OfficeImportError, match="не хватает столбцов"):
        offices_import("code,name\nx,y\n")
    with pytest.raises(OfficeImportError, match="это не JSON"):
        offices_import("[{", file_format="json")
    with pytest.raises(OfficeImportError, match="ожидался список"):
        offices_import('{"code": "x"}', file_format="json")


def test_export_reads_back_the_same_offices(tmp_path):
    demo_offices_load()
    exported = offices_export("csv")

    Office.objects.all().delete()
    counts = offices_import(exported)

    assert counts["created"] == len(demo_rows())
    assert offices_export("csv") == exported
    as_json = json.loads(offices_export("json"))
    assert len(as_json) == len(demo_rows())


def test_the_commands_import_and_report_errors(tmp_path, capsys):
    good = tmp_path / "offices.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    bad = tmp_path / "offices.json"
    bad.write_text(json.dumps([{"code": "x"}]), encoding="utf-8")

    call_command("offices_import", str(good))
    assert "новых — 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Ничего не загружено"):
        call_command("offices_import", str(bad))
    assert "строка 1:" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Не удалось прочитать"):
        call_command("offices_import", str(tmp_path / "missing.csv"))
    call_command("offices_export", "--format", "json")
    assert '"code": "kzn-1"' in capsys.readouterr().out
