"""What the host is told when a setting in the environment cannot be used, in Thai for the IT
officer and English beside it, instead of a traceback."""

from __future__ import annotations

from messages.cli.doctor import Say

BAD_SETTING = Say("ตั้งค่า {name} ไม่ถูกต้อง: {need}", "{name} is not a usable setting: {need}")
NOT_RUN = Say(
    "ยังไม่ได้ทำตามคำสั่ง แก้ค่านี้แล้วรันใหม่",
    "the command was not carried out: fix the setting and run again",
)
WHOLE_NUMBER = Say(
    "ต้องเป็นจำนวนเต็ม เช่น {example} (ได้รับ {got})",
    "it must be a whole number, e.g. {example} (got {got})",
)
FILES_STORE_KINDS = Say(
    "ต้องเป็น auto, disk, database หรือ s3", "it must be one of auto, disk, database, s3"
)
FILES_STORE_DATABASE = Say(
    "เก็บไฟล์ในฐานข้อมูลได้เฉพาะเมื่อใช้ PostgreSQL (SQLite ใช้ disk)",
    "files in the database need a PostgreSQL database (SQLite keeps them on disk)",
)
FILES_STORE_S3 = Say(
    "ต้องตั้ง COMPLAINTBOT_FILES_URL=s3://bucket ด้วย",
    "it needs COMPLAINTBOT_FILES_URL=s3://bucket as well",
)
FILES_URL_SHAPE = Say(
    "ต้องอยู่ในรูป s3://bucket หรือ s3://bucket/prefix",
    "it must look like s3://bucket or s3://bucket/prefix",
)
FILES_S3_PACKAGE = Say(
    "ที่เก็บไฟล์ S3 ต้องติดตั้ง boto3: pip install 'complaintbot[s3]'",
    "an S3 file store needs boto3: pip install 'complaintbot[s3]'",
)
