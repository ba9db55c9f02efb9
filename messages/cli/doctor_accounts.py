"""What `complaintbot doctor` (and the office's host console) say about the chat accounts of
the organisations a deployment hosts: a summary per state, and each account on request."""

from __future__ import annotations

from messages.cli.doctor import Say

TITLE = Say("บัญชีแชตของหน่วยงานที่ให้บริการ", "Hosted organisations' chat accounts")
SUMMARY = Say(
    "{platform}: ตั้งแล้วและตรวจแล้ว {ok} · ยังไม่ตั้ง {not_set} · มีปัญหา {failing} (จาก {orgs} หน่วยงาน)",
    "{platform}: {ok} set and verified, {not_set} not set, {failing} failing "
    "(of {orgs} organisations)",
)
SHARED_SUMMARY = Say("บัญชีกลาง {platform}: {state}", "Shared {platform} account: {state}")
CHECKED_OFFLINE = Say(
    "ตรวจแล้ว: รหัสของทุกบัญชีเปิดได้ด้วยกุญแจของเครื่อง และมีรูปแบบถูกต้อง "
    "(ยังไม่ได้ติดต่อ LINE/Telegram: เพิ่ม --online เพื่อถามแพลตฟอร์มทีละบัญชี) ใช้เวลา {seconds} วินาที",
    "Checked: every account's secrets open with this deployment's key and look well-formed "
    "(LINE/Telegram not contacted: add --online to ask the platforms, one call per account); "
    "took {seconds} s",
)
CHECKED_ONLINE = Say(
    "ตรวจแล้ว: รหัสเปิดได้ มีรูปแบบถูกต้อง และถาม LINE/Telegram ทีละบัญชีว่ารหัสใช้ได้และ webhook "
    "ชี้มาที่เครื่องนี้ ใช้เวลา {seconds} วินาที",
    "Checked: secrets open and look well-formed, and LINE/Telegram were asked, account by "
    "account, that the token works and the webhook points here; took {seconds} s",
)
UNREACHABLE_ORGS = Say(
    "{count} หน่วยงานไม่มีบัญชีของตัวเองและไม่อยู่ในตารางตำบลของบัญชีกลาง ประชาชนติดต่อไม่ได้: {slugs}",
    "{count} organisations have no account of their own and no tambon in the shared "
    "channel's map, so no citizen can reach them: {slugs}",
)
UNREACHABLE_FIX = Say(
    "ตั้งบัญชีด้วย complaintbot org set-line/set-telegram หรือเพิ่มตำบลด้วย complaintbot org map import",
    "set an account (complaintbot org set-line/set-telegram) or map its tambons "
    "(complaintbot org map import)",
)
FAILING_FIX = Say(
    "ดูรายละเอียดด้วย complaintbot doctor --details แล้วตั้งบัญชีนั้นใหม่",
    "see complaintbot doctor --details, then set that account again",
)
UNKNOWN_ORG = Say('ไม่พบหน่วยงาน "{slug}"', 'no organisation "{slug}"')
DETAIL = Say("{owner} ({name}) {platform}: {state}", "{owner} ({name}) {platform}: {state}")

STATE_OK = Say("ตั้งแล้ว ใช้ได้", "set, verified")
STATE_NOT_SET = Say("ยังไม่ตั้ง", "not set")
STATE_FAILING = Say("มีปัญหา", "failing")
SHARED_NAME = Say("บัญชีกลาง", "shared account")

# Why an account fails (or how it is set).
FROM_ENVIRONMENT = Say(
    "ตั้งจากตัวแปรสภาพแวดล้อม (ตรวจในหัวข้อ LINE/Telegram ด้านบน)",
    "set by environment variables (checked under LINE/Telegram above)",
)
SEALED_WRONG_KEY = Say(
    "เปิดรหัสไม่ได้ด้วยกุญแจของเครื่องนี้ (กุญแจถูกเปลี่ยน?)",
    "its secrets do not open with this deployment's key (was the key changed?)",
)
EMPTY_TOKEN = Say("ไม่มี access token", "no access token")
EMPTY_SECRET = Say("ไม่มี channel secret", "no channel secret")
BAD_TELEGRAM_TOKEN = Say(
    "token ไม่ใช่รูปแบบของ Telegram (ตัวเลข:ตัวอักษร จาก @BotFather)",
    "the token is not a Telegram bot token (digits:letters from @BotFather)",
)
TOKEN_REFUSED = Say("แพลตฟอร์มไม่รับรหัสนี้ (ถูกยกเลิกหรือผิด)", "the platform refuses the token")
UNREACHABLE = Say("ติดต่อ {host} ไม่ได้ ({error})", "cannot reach {host} ({error})")
PLATFORM_ERROR = Say("{host} ตอบผิดพลาด (HTTP {status})", "{host} answered HTTP {status}")
WRONG_WEBHOOK = Say(
    "webhook ชี้ไปที่ {actual} แทนที่จะเป็น {expected}",
    "the webhook is {actual} instead of {expected}",
)
WEBHOOK_OFF = Say("ยังไม่ได้เปิด Use webhook ใน LINE Developers Console",
                  "Use webhook is off in the LINE Developers Console")  # fmt: skip
PENDING = Say("มีข้อความค้างส่ง {count} รายการ", "{count} updates are waiting")
NO_PUBLIC_URL = Say(
    "ยังไม่ได้ตั้ง COMPLAINTBOT_PUBLIC_URL จึงตรวจที่อยู่ webhook ไม่ได้",
    "COMPLAINTBOT_PUBLIC_URL is not set, so the webhook address cannot be checked",
)
VERIFIED_AS = Say("บัญชี {name}, webhook {endpoint}", "account {name}, webhook {endpoint}")
