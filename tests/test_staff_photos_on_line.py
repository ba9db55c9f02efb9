"""An officer on LINE sees a complaint's photos, and every notice links to the case's page.

LINE shows a picture only from an HTTPS address, so "ดูรูปภาพ" sends each photo as an image
message whose short-lived signed link the bot serves itself; the link opens that one photo and
nothing else (no tip evidence, no statistics signature, not after it expires). Without a public
address the officer is told plainly that LINE cannot show the photo. Real line-bot-sdk over
HTTP against the fake Messaging API, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.channels.office_links import case_url
from bot.jobs.outbox_sender import OutboxSender
from bot.shared_links import CASE_PHOTOS, STATISTICS, sign
from handlers import menu
from handlers.citizen import complaint as complaint_flow
from handlers.citizen import tip as tip_flow
from messages import staff as staff_msg
from messages.channels import line as line_msg
from storage.models import ComplaintFile, TipFile
from storage.staff.accounts import Role
from storage.timeutil import utcnow
from tests.line_harness import LineBot, LineUser, running_line_bot, texts, tracking_code
from tests.staff_helpers import invite_code

PUBLIC_URL = "https://bot.khaothong.go.th"
JPEG = b"\xff\xd8\xff\xe0" + b"photo of a flooded soi" * 50
OTHER_JPEG = b"\xff\xd8\xff\xe0" + b"photo of the drain" * 50


async def file_complaint_with_photos(citizen: LineUser, *photos: bytes) -> str:
    await citizen.press(menu.COMPLAINT)
    await citizen.press(complaint_flow.CAT + "road")
    await citizen.say("น้ำท่วมขังซอยข้างตลาดสดทุกครั้งที่ฝนตก ท่อระบายน้ำอุดตัน")
    for photo in photos:
        await citizen.send_image(photo)
    await citizen.press(complaint_flow.EV_DONE)
    await citizen.press(complaint_flow.CONTACT_NO)
    return tracking_code(await citizen.press(complaint_flow.CONFIRM))


def local(bot: LineBot, url: str) -> str:
    """The bot's own server for a public link (as the HTTPS proxy in front of it would)."""
    assert url.startswith(PUBLIC_URL + "/"), url
    return bot.url + url.removeprefix(PUBLIC_URL)


async def test_photos_arrive_as_images_by_a_link_that_opens_only_that_photo(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path, public_url=PUBLIC_URL) as bot:
        officer, citizen = bot.user(), bot.user()
        await officer.say(f"/staff {invite_code(bot.core, Role.COMPLAINT, 'สมศรี')}")
        code = await file_complaint_with_photos(citizen, JPEG, OTHER_JPEG)

        sent = await officer.say(f"/photos {code}")
        images = [m for m in sent if m["type"] == "image"]
        assert len(images) == 2
        assert staff_msg.photo_caption(1, 2) in texts(sent)
        assert line_msg.IMAGE_NOT_SHOWN not in texts(sent)
        got = [await bot.http.get(local(bot, m["originalContentUrl"])) for m in images]
        assert [r.status_code for r in got] == [200, 200]
        assert sorted(r.content for r in got) == sorted([JPEG, OTHER_JPEG])
        assert all(r.headers["cache-control"] == "private, no-store" for r in got)
        assert all(r.headers["content-type"] == "image/jpeg" for r in got)

        url = local(bot, images[0]["originalContentUrl"])
        assert "/photo/" in url
        expires, signature, key = url.rsplit("/", 3)[1:]
        # A statistics signature does not open a photo, nor the photo's on the statistics route.
        wrong_shelf = f"{bot.url}/photo/{expires}/{sign(key, int(expires), STATISTICS)}/{key}"
        assert (await bot.http.get(wrong_shelf)).status_code == 403
        other_route = f"{bot.url}/shared/{expires}/{signature}/{key}"
        assert (await bot.http.get(other_route)).status_code in (403, 404)
        # A longer life needs a new signature; a correctly signed link that is over is refused.
        later = int(expires) + 3600
        assert (await bot.http.get(f"{bot.url}/photo/{later}/{signature}/{key}")).status_code == 403
        past = int((utcnow() - timedelta(minutes=1)).timestamp())
        expired = f"{bot.url}/photo/{past}/{sign(key, past, CASE_PHOTOS)}/{key}"
        assert (await bot.http.get(expired)).status_code == 403
        # The link lives an hour, not the week a statistics file does.
        assert int(expires) - utcnow().timestamp() <= 3600


async def test_a_tips_evidence_is_never_served_even_under_a_valid_photo_signature(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path, public_url=PUBLIC_URL) as bot:
        informant = bot.user()
        await informant.press(menu.TIP)
        await informant.press(tip_flow.UNDERSTOOD)
        await informant.press(tip_flow.CAT + "procurement")
        await informant.say("มีการแบ่งซื้อแบ่งจ้างโครงการซ่อมถนนเพื่อเลี่ยงการประกวดราคา")
        await informant.press(tip_flow.SKIP)
        await informant.press(tip_flow.SKIP)
        await informant.send_image(JPEG)
        await informant.press(tip_flow.EV_DONE)
        await informant.press(tip_flow.ANONYMOUS)
        tracking_code(await informant.press(tip_flow.CONFIRM))
        with Session(bot.core.db) as session:
            [evidence] = session.exec(select(TipFile)).all()
        future = int((utcnow() + timedelta(minutes=30)).timestamp())
        signed = sign(evidence.key, future, CASE_PHOTOS)
        refused = await bot.http.get(f"{bot.url}/photo/{future}/{signed}/{evidence.key}")
        assert refused.status_code == 404 and JPEG not in refused.content


async def test_an_erased_photo_is_no_longer_served(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path, public_url=PUBLIC_URL) as bot:
        officer, citizen = bot.user(), bot.user()
        await officer.say(f"/staff {invite_code(bot.core, Role.COMPLAINT, 'สมศรี')}")
        code = await file_complaint_with_photos(citizen, JPEG)
        [image] = [m for m in await officer.say(f"/photos {code}") if m["type"] == "image"]
        with Session(bot.core.db) as session, session.begin():
            for row in session.exec(select(ComplaintFile)).all():
                session.delete(row)
        gone = await bot.http.get(local(bot, image["originalContentUrl"]))
        assert gone.status_code == 404 and JPEG not in gone.content


async def test_without_a_public_url_the_officer_is_told_photos_cannot_show_on_line(
    db_url, tmp_path
):
    async with running_line_bot(db_url, tmp_path) as bot:
        officer, citizen = bot.user(), bot.user()
        await officer.say(f"/staff {invite_code(bot.core, Role.COMPLAINT, 'สมศรี')}")
        code = await file_complaint_with_photos(citizen, JPEG, OTHER_JPEG)

        sent = await officer.say(f"/photos {code}")
        assert [m["type"] for m in sent] == ["text"] * len(sent)
        assert texts(sent).count(line_msg.IMAGE_NOT_SHOWN) == 1  # said once, not per photo
        assert staff_msg.photo_caption(2, 2) in texts(sent)
        assert sent[-1].get("quickReply")  # the case's buttons are still there


async def test_notices_and_case_cards_link_to_the_case_page_in_the_office(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path, public_url=PUBLIC_URL) as bot:
        officer, citizen = bot.user(), bot.user()
        await officer.say(f"/staff {invite_code(bot.core, Role.COMPLAINT, 'สมศรี')}")
        code = await file_complaint_with_photos(citizen, JPEG)
        assert await OutboxSender(bot.core.db, {"line": bot.channel}).run_once() == 1

        page = case_url(PUBLIC_URL, code.replace("-", ""))
        assert page == f"{PUBLIC_URL}/office/case/{code.replace('-', '')}"
        notice = texts(bot.fake.pushes(officer.user_id))
        assert any(page in line for line in notice)
        card = texts(await officer.say(f"/open {code}"))
        assert any(page in line for line in card)
        # The citizen's own messages never carry a staff link.
        assert not any("/office/" in line for line in texts(await citizen.say(code)))


async def test_without_a_public_url_notices_carry_no_link(db_url, tmp_path):
    async with running_line_bot(db_url, tmp_path) as bot:
        officer, citizen = bot.user(), bot.user()
        await officer.say(f"/staff {invite_code(bot.core, Role.COMPLAINT, 'สมศรี')}")
        await file_complaint_with_photos(citizen, JPEG)
        assert await OutboxSender(bot.core.db, {"line": bot.channel}).run_once() == 1
        assert not any("/office/" in t for t in texts(bot.fake.pushes(officer.user_id)))
