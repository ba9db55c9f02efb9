"""Words of the office's anti-corruption plan page (statuses, periods and the importer's
reasons are in `messages.plan.status`)."""

from __future__ import annotations

TITLE = "แผนปฏิบัติการป้องกันการทุจริต"
REFUSED = "หน้าแผนปฏิบัติการป้องกันการทุจริตสำหรับเจ้าหน้าที่แผนและผู้ดูแลระบบเท่านั้น บัญชีของคุณไม่มีสิทธิ์เปิดหน้านี้"
NO_FILE = "กรุณาเลือกไฟล์ตาราง e-PlanNACC (XLSX หรือ CSV)"
BAD_FILE_TYPE = "รับเฉพาะไฟล์ .xlsx หรือ .csv"
TOO_BIG = "ไฟล์ใหญ่เกินไป (ไม่เกิน 5 MB)"
BAD_YEAR = "ปีงบประมาณไม่ถูกต้อง (ตัวอย่าง 2567)"
BAD_ROUND = "รอบการรายงานไม่ถูกต้อง"
REFUSED_FILE = "ไม่ได้นำเข้าไฟล์ {file}: พบปัญหา {count} แห่ง ยังไม่มีข้อมูลใดถูกบันทึก แก้ไขแล้วอัปโหลดใหม่"
LINE = "แถวที่ {line}"
WHOLE_FILE = "ทั้งไฟล์"
ONLY_PLAN = "นำเข้าเฉพาะรายการและงบประมาณ (ยังไม่รายงานผล)"
