"""What `complaintbot doctor` says, in Thai for the IT officer and English beside it.

Each finding is a `Say` (Thai, English); `{placeholders}` are filled by the check.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    th: str
    en: str

    def format(self, **values: object) -> Say:
        """Fill the placeholders; a `Say` value goes in each language as its own words."""
        th = {k: v.th if isinstance(v, Say) else v for k, v in values.items()}
        en = {k: v.en if isinstance(v, Say) else v for k, v in values.items()}
        return Say(self.th.format(**th), self.en.format(**en))


HEADER = Say("ตรวจความพร้อมของระบบ complaintbot", "complaintbot deployment check")
FIX = Say("วิธีแก้", "Fix")
SUMMARY = Say(
    "สรุป: ผ่าน {ok} · เตือน {warn} · ไม่ผ่าน {fail} · ข้าม {skip}",
    "Summary: {ok} ok, {warn} warnings, {fail} failed, {skip} skipped",
)
ALL_GREEN = Say("พร้อมใช้งาน", "Ready to go live")
NOT_READY = Say(
    "ยังไม่พร้อม: แก้รายการที่ไม่ผ่านแล้วรันอีกครั้ง", "Not ready: fix the failed items and run again"
)

# -- titles ------------------------------------------------------------------------------
TITLE_DATABASE = Say("ฐานข้อมูล", "Database")
TITLE_SECRET_KEY = Say("กุญแจลับ (เข้ารหัสเบาะแส)", "Secret key (seals tips)")
TITLE_FILES = Say("ที่เก็บไฟล์", "File store")
TITLE_PUBLIC_URL = Say("ที่อยู่สาธารณะ (HTTPS)", "Public URL (HTTPS)")
TITLE_LINE = Say("LINE", "LINE")
TITLE_TELEGRAM = Say("Telegram", "Telegram")
TITLE_CLOCK = Say("นาฬิกาและเขตเวลา", "Clock and time zone")

# -- database ----------------------------------------------------------------------------
DB_OK = Say("เชื่อมต่อได้ โครงสร้างเป็นรุ่นล่าสุด ({revision})", "answers; schema is current ({revision})")
DB_UNREACHABLE = Say("เชื่อมต่อฐานข้อมูลไม่ได้ ({error})", "cannot connect ({error})")
DB_UNREACHABLE_FIX = Say(
    "ตรวจ COMPLAINTBOT_DATABASE_URL และว่า PostgreSQL ทำงานอยู่ (systemctl status postgresql)",
    "check COMPLAINTBOT_DATABASE_URL and that PostgreSQL runs (systemctl status postgresql)",
)
DB_MISSING_FILE = Say("ไม่พบไฟล์ฐานข้อมูล {path}", "database file {path} does not exist")
DB_EMPTY = Say("ฐานข้อมูลยังว่าง (ยังไม่ได้สร้างตาราง)", "the database is empty (no tables yet)")
DB_CREATE_FIX = Say(
    "รัน complaintbot db upgrade หรือกู้คืนข้อมูลด้วย complaintbot restore ไฟล์สำรอง",
    "run complaintbot db upgrade, or restore a backup with complaintbot restore FILE",
)
DB_BEHIND = Say(
    "โครงสร้างฐานข้อมูลเก่ากว่าโปรแกรม (ฐานข้อมูล {current} โปรแกรมต้องการ {head})",
    "the schema is behind the code (database {current}, code needs {head})",
)
DB_BEHIND_FIX = Say(
    "สำรองข้อมูลก่อน (complaintbot backup --out ...) แล้วรัน complaintbot db upgrade",
    "take a backup first (complaintbot backup --out ...), then run complaintbot db upgrade",
)
DB_AHEAD = Say(
    "ฐานข้อมูลเป็นรุ่นที่โปรแกรมนี้ไม่รู้จัก ({current}) อาจเป็นของโปรแกรมรุ่นใหม่กว่า",
    "the database is at a migration this code does not know ({current}): a newer version?",
)
DB_AHEAD_FIX = Say("ติดตั้งโปรแกรมรุ่นเดียวกับที่สร้างฐานข้อมูลนี้", "install the version that wrote it")

# -- secret key --------------------------------------------------------------------------
KEY_OK_ENV = Say(
    "ตั้งไว้ใน COMPLAINTBOT_SECRET_KEY และแข็งแรงพอ", "set in COMPLAINTBOT_SECRET_KEY, strong"
)
KEY_OK_FILE = Say("อ่านจาก {path} ได้ แข็งแรงพอ", "read from {path}, strong")
KEY_MISSING = Say(
    "ไม่พบกุญแจลับ: ไม่ได้ตั้ง COMPLAINTBOT_SECRET_KEY และไม่มีไฟล์ {path}",
    "no secret key: COMPLAINTBOT_SECRET_KEY is unset and {path} does not exist",
)
KEY_MISSING_FIX = Say(
    "ถ้าระบบนี้มีข้อมูลอยู่แล้ว ให้นำไฟล์กุญแจเดิมกลับมาจากที่เก็บสำรอง (ไม่มีกุญแจเดิม เบาะแสที่เข้ารหัสไว้จะอ่านไม่ได้อีก) "
    "ถ้าเป็นระบบใหม่ สร้างกุญแจด้วย: (umask 077; openssl rand -base64 32 > {path})",
    "if this deployment has data already, put the original key file back from where you keep it "
    "(without it sealed tips cannot be read again); for a new deployment create one: "
    "(umask 077; openssl rand -base64 32 > {path})",
)
KEY_UNREADABLE = Say(
    "อ่านไฟล์กุญแจ {path} ไม่ได้ ({error})", "cannot read the key file {path} ({error})"
)
KEY_UNREADABLE_FIX = Say(
    "ให้ผู้ใช้ที่รันบอตอ่านไฟล์ได้: chown complaintbot {path} && chmod 600 {path}",
    "let the bot's user read it: chown complaintbot {path} && chmod 600 {path}",
)
KEY_WEAK = Say("กุญแจลับอ่อนเกินไป ({why})", "the secret key is too weak ({why})")
KEY_WEAK_SHORT = Say("สั้นกว่า 32 ไบต์", "shorter than 32 bytes")
KEY_WEAK_REPETITIVE = Say("ตัวอักษรซ้ำกันมาก เดาได้ง่าย", "too few different characters")
KEY_WEAK_FIX = Say(
    "สร้างกุญแจสุ่มใหม่ 32 ไบต์ (คำสั่งใน docs/running.md หัวข้อ Going live) ก่อนเริ่มรับเรื่องจริง",
    "make a random 32-byte key (command in docs/running.md, Going live) before taking real reports",
)
KEY_WRONG = Say(
    "กุญแจนี้ไม่ใช่กุญแจที่ใช้เข้ารหัสข้อมูลในฐานข้อมูล (ตาราง {table})",
    "this key is not the one that sealed the data (table {table})",
)
KEY_WRONG_FIX = Say(
    "ใส่กุญแจเดิมที่ใช้ตอนบันทึกข้อมูล (จากที่เก็บสำรองกุญแจ) ห้ามสร้างกุญแจใหม่ทับ",
    "put back the key the data was sealed with (from where you keep it); never replace it",
)
KEY_IN_DATA_DIR = Say(
    "ไฟล์กุญแจ {path} อยู่ในไดเรกทอรีข้อมูลเดียวกับข้อมูลที่มันปกป้อง ใครได้สำเนาไดเรกทอรีนี้ไปจะได้ทั้งสองอย่าง",
    "the key file {path} sits in the data directory next to the data it protects: "
    "whoever copies that directory has both",
)
KEY_IN_DATA_DIR_FIX = Say(
    "ย้ายไปไว้ที่ /etc/complaintbot/secret.key (chmod 600) แล้วตั้ง COMPLAINTBOT_SECRET_KEY_FILE "
    "และเก็บสำเนากุญแจไว้แยกจากไฟล์สำรองข้อมูล",
    "move it to /etc/complaintbot/secret.key (chmod 600), set COMPLAINTBOT_SECRET_KEY_FILE, "
    "and keep a copy of the key apart from the backups",
)
KEY_OPEN_MODE = Say(
    "ไฟล์กุญแจ {path} ผู้อื่นอ่านได้ (สิทธิ์ {mode})", "key file {path} is readable by others (mode {mode})"
)
KEY_OPEN_MODE_FIX = Say("chmod 600 {path}", "chmod 600 {path}")

# -- files -------------------------------------------------------------------------------
FILES_OK = Say("เขียนได้ พื้นที่ว่าง {free}", "writable, {free} free")
FILES_NOT_WRITABLE = Say("เขียนไฟล์ใน {path} ไม่ได้ ({error})", "cannot write in {path} ({error})")
FILES_NOT_WRITABLE_FIX = Say(
    "สร้างไดเรกทอรีและให้ผู้ใช้ของบอตเป็นเจ้าของ: install -d -o complaintbot -m 700 {path}",
    "create it owned by the bot's user: install -d -o complaintbot -m 700 {path}",
)
FILES_FULL = Say("พื้นที่ดิสก์เหลือน้อยมาก ({free})", "the disk is nearly full ({free} free)")
FILES_LOW = Say("พื้นที่ดิสก์เหลือน้อย ({free}, {percent}%)", "disk space is low ({free}, {percent}% free)")
FILES_SPACE_FIX = Say(
    "ลบไฟล์สำรองเก่า หรือเพิ่มดิสก์ให้ {path}",
    "remove old backups or give {path} a bigger disk",
)

FILES_NOT_YET = Say("ยังไม่มีไดเรกทอรี {path} (จะถูกสร้างเมื่อมีไฟล์แรก)",
                    "{path} does not exist yet (made with the first upload)")  # fmt: skip
FILES_NOT_YET_FIX = Say(
    "สร้างไว้เลยให้ผู้ใช้ของบอตเป็นเจ้าของ: install -d -o complaintbot -m 700 {path}",
    "create it now, owned by the bot's user: install -d -o complaintbot -m 700 {path}",
)

FILES_SETTING_FIX = Say(
    "แก้ COMPLAINTBOT_FILES_STORE (auto, disk, database, s3) หรือ COMPLAINTBOT_FILES_URL",
    "fix COMPLAINTBOT_FILES_STORE (auto, disk, database, s3) or COMPLAINTBOT_FILES_URL",
)
FILES_IN_DATABASE = Say(
    "เก็บไฟล์ในฐานข้อมูล ทุกเครื่องที่ใช้ฐานข้อมูลนี้เห็นไฟล์เดียวกัน",
    "files are kept in the database: every machine using it sees them",
)
FILES_IN_S3 = Say("เก็บไฟล์ใน {url} และเชื่อมต่อได้", "files are kept in {url}, reachable")
FILES_S3_FAILED = Say("เชื่อมต่อที่เก็บไฟล์ {url} ไม่ได้ ({error})", "cannot reach {url} ({error})")
FILES_S3_FIX = Say(
    "ตรวจชื่อ bucket, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID และ AWS_SECRET_ACCESS_KEY",
    "check the bucket, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
)
FILES_LEFT_ON_DISK = Say(
    "ยังมีไฟล์ {count} ไฟล์อยู่ในดิสก์ของเครื่องนี้ ({path}) เครื่องอื่นเปิดไม่ได้",
    "{count} files are still on this machine's disk ({path}): other machines cannot open them",
)
FILES_MIGRATE_FIX = Say("ย้ายเข้าที่เก็บกลาง: complaintbot files migrate",
                        "move them into the shared store: complaintbot files migrate")  # fmt: skip

# -- channels ----------------------------------------------------------------------------
TITLE_CHANNELS = Say("ช่องทางแชต", "Chat channels")
NO_CHANNEL = Say("ยังไม่ได้เปิดช่องทางใดเลย ประชาชนจะติดต่อบอตไม่ได้",
                 "no chat channel is configured: citizens cannot reach the bot")  # fmt: skip
NO_CHANNEL_FIX = Say(
    "ตั้ง LINE_CHANNEL_SECRET กับ LINE_CHANNEL_ACCESS_TOKEN และ/หรือ TELEGRAM_BOT_TOKEN",
    "set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, and/or TELEGRAM_BOT_TOKEN",
)

# -- the bot's own web server -----------------------------------------------------------
TITLE_SERVER = Say("เว็บเซิร์ฟเวอร์ของบอต", "The bot's web server")
SERVER_OK = Say("ตอบที่ {url} และพร้อมรับงาน", "answers at {url} and is ready")
SERVER_DOWN = Say(
    "ไม่มีโปรแกรมตอบที่ {url} (complaintbot serve ไม่ได้ทำงานอยู่?)",
    "nothing answers at {url}: is complaintbot serve running?",
)
SERVER_DOWN_FIX = Say(
    "systemctl start complaintbot แล้วดูสาเหตุด้วย journalctl -u complaintbot -e",
    "systemctl start complaintbot, and see why it stopped: journalctl -u complaintbot -e",
)
SERVER_NOT_READY = Say("ตอบแต่ยังไม่พร้อม ({reason})", "answers but is not ready ({reason})")
SERVER_NOT_READY_FIX = Say(
    "ดูรายการฐานข้อมูลด้านบน และ journalctl -u complaintbot -e",
    "see the database finding above, and journalctl -u complaintbot -e",
)

# -- public URL --------------------------------------------------------------------------
URL_OK = Say("{url}", "{url}")
URL_NOT_NEEDED = Say("ไม่จำเป็น (Telegram แบบ polling และไม่ได้เปิด LINE)",
                     "not needed (Telegram polling, LINE off)")  # fmt: skip
URL_MISSING = Say("ยังไม่ได้ตั้ง COMPLAINTBOT_PUBLIC_URL", "COMPLAINTBOT_PUBLIC_URL is not set")
URL_MISSING_FIX = Say(
    "ตั้ง COMPLAINTBOT_PUBLIC_URL=https://ชื่อโดเมน (ที่ nginx หรือ Caddy ทำ HTTPS ให้)",
    "set COMPLAINTBOT_PUBLIC_URL=https://your.domain (where nginx or Caddy serves HTTPS)",
)
URL_NOT_HTTPS = Say("{url} ไม่ใช่ HTTPS (LINE และ Telegram ส่งเว็บฮุกไปที่ HTTPS เท่านั้น)",
                    "{url} is not HTTPS (LINE and Telegram only call https webhooks)")  # fmt: skip
URL_NOT_HTTPS_FIX = Say(
    "ตั้ง Caddy หรือ nginx ตาม deploy/ แล้วใช้ https:// ใน COMPLAINTBOT_PUBLIC_URL",
    "put Caddy or nginx in front (see deploy/) and use https:// in COMPLAINTBOT_PUBLIC_URL",
)
URL_TELEGRAM_ELSEWHERE = Say(
    "TELEGRAM_WEBHOOK_URL ({webhook}) ไม่ได้อยู่ใต้ {url}",
    "TELEGRAM_WEBHOOK_URL ({webhook}) is not under {url}",
)
URL_TELEGRAM_ELSEWHERE_FIX = Say(
    "ตั้ง TELEGRAM_WEBHOOK_URL={url}/telegram/webhook",
    "set TELEGRAM_WEBHOOK_URL={url}/telegram/webhook",
)

# -- platforms ---------------------------------------------------------------------------
NOT_CONFIGURED = Say("ไม่ได้เปิดใช้", "not configured")
UNREACHABLE = Say("ติดต่อ {host} ไม่ได้ ({error})", "cannot reach {host} ({error})")
UNREACHABLE_FIX = Say(
    "ตรวจว่าเครื่องนี้ออกอินเทอร์เน็ตทาง HTTPS ได้ (DNS, proxy, firewall)",
    "check that this machine can make outgoing HTTPS connections (DNS, proxy, firewall)",
)
PLATFORM_ERROR = Say("{host} ตอบผิดปกติ (HTTP {status})", "{host} answered HTTP {status}")
PLATFORM_ERROR_FIX = Say(
    "ลองใหม่ภายหลัง ถ้ายังเป็นอยู่ให้ดูหน้าสถานะของผู้ให้บริการ",
    "try again later; if it persists, check the platform's status page",
)

LINE_OK = Say("บอต {name} · เว็บฮุก {endpoint} เปิดใช้อยู่", "bot {name}; webhook {endpoint} active")
LINE_TOKEN_REFUSED = Say(
    "LINE ไม่รับ channel access token (ถูกออกใหม่หรือคัดลอกผิด)",
    "LINE refuses the channel access token (reissued, revoked or mistyped)",
)
LINE_TOKEN_FIX = Say(
    "LINE Developers Console → Messaging API → Channel access token → Issue "
    "แล้วใส่ใน LINE_CHANNEL_ACCESS_TOKEN",
    "LINE Developers Console → Messaging API → Channel access token → Issue; put it in "
    "LINE_CHANNEL_ACCESS_TOKEN",
)
LINE_WRONG_WEBHOOK = Say(
    "LINE ส่งเว็บฮุกไปที่ {endpoint} แต่ระบบนี้อยู่ที่ {expected}",
    "LINE sends webhooks to {endpoint}, but this server is {expected}",
)
LINE_WEBHOOK_FIX = Say(
    "LINE Developers Console → Messaging API → Webhook URL = {expected} → Verify → เปิด Use webhook",
    "LINE Developers Console → Messaging API → Webhook URL = {expected} → Verify → "
    "turn on Use webhook",
)
LINE_WEBHOOK_OFF = Say(
    "ตั้ง Webhook URL แล้วแต่ปิด Use webhook อยู่", "the webhook URL is set but Use webhook is off"
)
NO_ENDPOINT = Say("(ยังไม่ได้ตั้ง)", "(none)")

TELEGRAM_OK = Say("บอต @{username}{mode}", "bot @{username}{mode}")
TELEGRAM_MODE_WEBHOOK = Say(" · เว็บฮุก {url}", "; webhook {url}")
TELEGRAM_MODE_POLLING = Say(" · ดึงข้อความ (polling)", "; polling")
TELEGRAM_TOKEN_REFUSED = Say(
    "Telegram ไม่รับโทเคน (ถูก /revoke หรือคัดลอกผิด)",
    "Telegram refuses the token (revoked with /revoke, or mistyped)",
)
TELEGRAM_TOKEN_FIX = Say(
    "@BotFather → /mybots → เลือกบอต → API Token แล้วใส่ใน TELEGRAM_BOT_TOKEN",
    "@BotFather → /mybots → your bot → API Token; put it in TELEGRAM_BOT_TOKEN",
)
TELEGRAM_WRONG_WEBHOOK = Say(
    "Telegram ส่งข้อความไปที่ {actual} แต่ตั้งค่าไว้เป็น {expected}",
    "Telegram posts updates to {actual}, but this server is {expected}",
)
TELEGRAM_WEBHOOK_FIX = Say(
    "เริ่ม complaintbot serve ใหม่ (ลงทะเบียนเว็บฮุกให้เองตอนเริ่ม) และตรวจ TELEGRAM_WEBHOOK_URL",
    "restart complaintbot serve (it registers the webhook when it starts); "
    "check TELEGRAM_WEBHOOK_URL",
)
TELEGRAM_DELIVERY_ERROR = Say(
    "Telegram ส่งเว็บฮุกไม่สำเร็จเมื่อ {minutes} นาทีก่อน: {error}",
    "Telegram's last webhook delivery failed {minutes} minutes ago: {error}",
)
TELEGRAM_DELIVERY_FIX = Say(
    "ตรวจว่า complaintbot serve ทำงานอยู่ และ nginx/Caddy ส่งต่อ /telegram/webhook ถูกต้อง "
    "(ดู journalctl -u complaintbot)",
    "check that complaintbot serve runs and nginx/Caddy forwards /telegram/webhook "
    "(journalctl -u complaintbot)",
)
TELEGRAM_PENDING = Say("มีข้อความค้างส่ง {count} รายการ", "{count} updates are waiting to be delivered")
TELEGRAM_PENDING_FIX = Say(
    "ตรวจว่า complaintbot serve ทำงานอยู่และรับเว็บฮุกได้ (ดูรายการเตือนอื่นด้านบน)",
    "check that complaintbot serve runs and takes the webhook (see the other findings)",
)
TELEGRAM_STRAY_WEBHOOK = Say(
    "ตั้งค่าเป็น polling แต่ Telegram ยังมีเว็บฮุก {url} (serve จะลบให้ตอนเริ่ม)",
    "configured for polling, but Telegram has a webhook at {url} (serve removes it on start)",
)
TELEGRAM_STRAY_FIX = Say("เริ่ม complaintbot serve", "start complaintbot serve")

# -- clock -------------------------------------------------------------------------------
CLOCK_OK = Say("ต่างจาก {source} {skew} วินาที · เวลาไทย {local}",
               "{skew} s from {source}; Thai time {local}")  # fmt: skip
CLOCK_OK_LOCAL = Say(
    "เวลาไทย {local} (ไม่มีเซิร์ฟเวอร์ให้เทียบ)", "Thai time {local} (nothing to compare with)"
)
CLOCK_SKEW = Say("นาฬิกาเครื่องนี้ต่างจาก {source} {skew} วินาที", "this clock is {skew} s off {source}")
CLOCK_SKEW_FIX = Say(
    "เปิดการตั้งเวลาอัตโนมัติ: timedatectl set-ntp true (หรือติดตั้ง chrony)",
    "turn on time sync: timedatectl set-ntp true (or install chrony)",
)
CLOCK_NO_ZONE = Say("ไม่พบข้อมูลเขตเวลา Asia/Bangkok", "the Asia/Bangkok time zone data is missing")
CLOCK_NO_ZONE_FIX = Say("apt-get install tzdata", "apt-get install tzdata")
