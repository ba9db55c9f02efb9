"""The host's administrator (`--role host-admin`): manages an organisation's staff accounts
but never sees a tip, and cannot hand out a role that would."""

from __future__ import annotations

from messages import staff
from storage.staff.accounts import Role
from tests.staff_helpers import file_tip, invite_code, invite_in, reference_in
from tests.transcript import Chat

BRIBE = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"


async def test_a_host_administrator_manages_staff_but_never_reads_a_tip(make_core):
    core = make_core()
    host = Chat(core, chat_id="host", user_id="host")
    out = await host.say(f"/staff {invite_code(core, Role.HOST_ADMIN, 'ผู้ให้บริการ')}")
    assert staff.ROLE_LABELS["host-admin"] in out

    out = await host.say("/invite complaint สมศรี")
    officer = Chat(core, chat_id="officer", user_id="officer")
    assert staff.ROLE_LABELS["complaint"] in await officer.say(f"/staff {invite_in(out)}")
    for role in ("integrity", "admin"):
        assert staff.HOST_ADMIN_NO_TIP_ROLES in await host.say(f"/invite {role} ตัวเอง")
    assert "สมศรี" in await host.say("/stafflist")

    informant = Chat(core, chat_id="informant", user_id="informant")
    await file_tip(informant, BRIBE)
    admin = Chat(core, chat_id="admin", user_id="admin")
    await admin.say(f"/staff {invite_code(core, Role.ADMIN, 'ปลัด')}")
    reference = reference_in(await admin.say("/tips"))
    for command in ("/tips", f"/open {reference}", f"/content {reference}", "/audit"):
        out = await host.say(command)
        assert BRIBE[:20] not in out and reference not in out
    assert BRIBE[:20] in await admin.say(f"/content {reference}")  # the tip is there
