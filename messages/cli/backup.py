"""What `complaintbot backup` and `complaintbot restore` say, in Thai and English."""

from __future__ import annotations

from messages.cli.doctor import Say

STAGES = {
    "database": Say("ฐานข้อมูล", "database"),
    "files": Say("ไฟล์", "files"),
    "verify": Say("ตรวจจำนวนแถว", "checking rows"),
}

BACKUP_DONE = Say(
    "สำรองข้อมูลแล้ว: {path} ({size}) · {rows} แถวใน {tables} ตาราง · {files} ไฟล์ · โครงสร้าง {schema}",
    "backup written: {path} ({size}); {rows} rows in {tables} tables; {files} files; "
    "schema {schema}",
)
BACKUP_MISSING_FILES = Say(
    "คำเตือน: มี {count} ไฟล์ที่ฐานข้อมูลอ้างถึงแต่ไม่พบในที่เก็บไฟล์",
    "warning: {count} files named by the database are missing from the file store",
)
KEY_NOT_INCLUDED = Say(
    "กุญแจลับไม่ได้อยู่ในไฟล์สำรอง เก็บสำเนากุญแจ ({where}) ไว้แยกจากไฟล์สำรองเสมอ "
    "ถ้าไม่มีกุญแจ เบาะแสที่เข้ารหัสไว้จะกู้คืนไม่ได้",
    "the secret key is not in the archive: keep a copy of it ({where}) apart from the backups; "
    "without it sealed tips cannot be recovered",
)
KEY_FROM_ENV = Say("ค่า COMPLAINTBOT_SECRET_KEY", "the value of COMPLAINTBOT_SECRET_KEY")

RESTORE_DONE = Say(
    "กู้คืนแล้วจากสำเนาเมื่อ {created_at}: {rows} แถวใน {tables} ตาราง · {files} ไฟล์ "
    "· ปรับโครงสร้างเป็นรุ่นล่าสุดแล้ว",
    "restored the backup of {created_at}: {rows} rows in {tables} tables; {files} files; "
    "schema brought to the newest",
)
FILES_INTO_STORE = Say(
    "ย้ายไฟล์จากสำเนา {count} ไฟล์เข้าที่เก็บไฟล์กลางแล้ว (ฐานข้อมูลหรือ S3 ที่ทุกเครื่องเห็น)",
    "{count} files from the archive moved into the shared file store (the database or S3, "
    "which every machine sees)",
)
SET_ASIDE = Say("ข้อมูลเดิมย้ายไปไว้ที่ {path}", "the previous data was moved to {path}")
RESTORE_NEXT = Say(
    "ขั้นต่อไป: ใส่กุญแจลับเดิม แล้วรัน complaintbot doctor",
    "next: put the original secret key in place, then run complaintbot doctor",
)

ERRORS = {
    "no_database": Say("ไม่พบไฟล์ฐานข้อมูล {path}", "database file {path} does not exist"),
    "unsupported_database": Say("ไม่รองรับฐานข้อมูลชนิด {dialect}", "unsupported database {dialect}"),
    "no_pg_tool": Say(
        "ไม่พบ {tool} สำหรับ PostgreSQL {major} ติดตั้งด้วย: apt-get install postgresql-client-{major}",
        "{tool} for PostgreSQL {major} was not found; install it: "
        "apt-get install postgresql-client-{major}",
    ),
    "pg_dump_failed": Say("pg_dump ทำงานไม่สำเร็จ: {error}", "pg_dump failed: {error}"),
    "pg_restore_failed": Say("pg_restore ทำงานไม่สำเร็จ: {error}", "pg_restore failed: {error}"),
    "no_archive": Say("ไม่พบไฟล์สำรอง {path}", "no such backup file: {path}"),
    "not_empty": Say(
        "ปลายทางมีข้อมูลอยู่แล้ว (ฐานข้อมูล: {database}, ไฟล์: {files}) จึงไม่กู้คืนทับ "
        "ถ้าต้องการทับจริง ใช้ --force (ฐานข้อมูล SQLite และไฟล์เดิมจะถูกย้ายไปเก็บไว้ข้าง ๆ "
        "ตาราง PostgreSQL เดิมจะถูกลบ)",
        "the target already holds data (database: {database}, files: {files}); nothing was "
        "changed. To overwrite it use --force (the SQLite database and files are moved aside; "
        "PostgreSQL tables are dropped)",
    ),
    "wrong_dialect": Say(
        "ไฟล์สำรองนี้มาจาก {archive} กู้คืนลง {target} ไม่ได้",
        "this is a {archive} backup; it cannot be restored into {target}",
    ),
    "wrong_schema": Say(
        "ไฟล์สำรองนี้มาจาก schema {archive} แต่ฐานข้อมูลปลายทางใช้ schema {target} "
        "ให้ตั้ง search_path ใน COMPLAINTBOT_DATABASE_URL เป็น {archive}",
        "this dump is of schema {archive}, but the target database uses schema {target}; "
        "set the search_path in COMPLAINTBOT_DATABASE_URL to {archive}",
    ),
    "bad_archive": Say(
        "ไฟล์สำรองเสียหายหรือไม่ใช่ไฟล์ของ complaintbot ({error})",
        "the archive is damaged or not a complaintbot backup ({error})",
    ),
    "checksum": Say(
        "ข้อมูลในไฟล์สำรองไม่ตรงกับ checksum ({member})",
        "a member does not match its checksum ({member})",
    ),
    "count_mismatch": Say(
        "จำนวนแถวของตาราง {table} ไม่ตรง (ควรเป็น {expected} พบ {found})",
        "table {table} has {found} rows after restoring, the backup had {expected}",
    ),
    "unknown_format": Say("ไม่รู้จักรูปแบบไฟล์สำรองรุ่น {format}", "unknown backup format {format}"),
    "no_manifest": Say("ไฟล์สำรองไม่มี manifest", "the archive has no manifest"),
    "no_database_server": Say("เชื่อมต่อฐานข้อมูลไม่ได้ ({error})", "cannot connect ({error})"),
}
YES = Say("มี", "yes")
NO = Say("ไม่มี", "no")
