"""A CSV file of drill bits imports through the create service, all or nothing; a serial
number already in the organization names its row."""

from django.core.files.uploadedfile import SimpleUploadedFile

from opsbase.modules.drillbits.models import DrillBit
from opsbase.testing.matrix import session_client

URL = "/drill-bits/import/"


def _upload(client, text):
    upload = SimpleUploadedFile("bits.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(URL, {"step": "upload", "file": upload})


def test_a_file_of_bits_imports_with_sizes_and_types_by_label_or_value(manager, make_bit):
    client = session_client(manager)
    text = (
        "serial_number,bit_type,size,design,iadc_code,location\n"
        "IMP-1,PDC (fixed cutter),8½ in (215.9 mm),MDi616,m323,Rack A\n"
        "IMP-2,roller_cone,12-1/4,GTX,517X,Rack B\n"
    )

    assert _upload(client, text).status_code == 302
    preview = client.get(URL)
    done = client.post(URL, {"step": "import"})

    assert preview.context["ready"] and preview.context["count"] == 2
    assert done.status_code == 302
    bits = DrillBit.objects.for_tenant(manager.tenant).order_by("serial_number")
    assert [(b.serial_number, b.bit_type, b.size, b.iadc_code, b.status) for b in bits] == [
        ("IMP-1", "pdc", "8-1/2", "M323", "new"),
        ("IMP-2", "roller_cone", "12-1/4", "517X", "new"),
    ]


def test_a_taken_serial_number_stops_the_import(manager, make_bit):
    make_bit(manager.tenant, serial_number="IMP-1")
    client = session_client(manager)
    text = "serial_number,bit_type,size\nIMP-9,pdc,6\nIMP-1,pdc,6\n"

    _upload(client, text)
    client.get(URL)
    done = client.post(URL, {"step": "import"})

    assert done.status_code == 400
    assert "Another drill bit of this organization has this serial number." in (
        done.content.decode()
    )
    assert DrillBit.objects.for_tenant(manager.tenant).count() == 1
    assert not DrillBit.objects.for_tenant(manager.tenant).filter(serial_number="IMP-9").exists()
