"""What the chat says about the staff office: the login link, the code confirmation, the
announcement of a new login and logging out everywhere."""

from __future__ import annotations

from datetime import datetime

from messages.format import thai_datetime

BUTTON_WEB = "เปิดหน้าเว็บเจ้าหน้าที่"
BUTTON_WEB_LOGOUT = "ออกจากระบบเว็บทุกเครื่อง"
BUTTON_CONFIRM_LOGIN = "ยืนยันเข้าสู่ระบบ"

NO_PUBLIC_URL = "ยังไม่ได้ตั้งที่อยู่เว็บของระบบ (COMPLAINTBOT_PUBLIC_URL) กรุณาแจ้งผู้ดูแลระบบ"
CODE_UNKNOWN = "ไม่พบรหัสนี้ หรือรหัสหมดอายุแล้ว (รหัสใช้ได้ 5 นาที)\nกรุณาเปิดหน้า /office/login ใหม่เพื่อรับรหัสใหม่"
CODE_CONFIRMED = "ยืนยันแล้ว หน้าเว็บที่รออยู่จะเข้าสู่ระบบเอง"
TOO_MANY = "ลองหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่"


def login_link(url: str, minutes: int) -> str:
    return (
        "ลิงก์เข้าสู่หน้าเว็บเจ้าหน้าที่ (ใช้ได้ครั้งเดียว ภายใน "
        f"{minutes} นาที ห้ามส่งต่อ):\n{url}\n\n"
        "บนคอมพิวเตอร์ที่ไม่มีแอปแชต: เปิด /office/login แล้วพิมพ์ /web ตามด้วยรหัสที่เห็น"
    )


def confirm_code(browser: str, asked_at: datetime) -> str:
    return (
        f"มีการขอเข้าสู่หน้าเว็บเจ้าหน้าที่ในชื่อของคุณ\nเบราว์เซอร์: {browser}\n"
        f"เวลา: {thai_datetime(asked_at)}\n"
        "ถ้าเป็นคุณ กดยืนยัน ถ้าไม่ใช่ อย่ากด และแจ้งผู้ดูแลระบบ"
    )


def login_announced(browser: str, at: datetime) -> str:
    return (
        f"มีการเข้าสู่หน้าเว็บเจ้าหน้าที่ในชื่อของคุณ\nเบราว์เซอร์: {browser}\n"
        f"เวลา: {thai_datetime(at)}\n"
        f'ถ้าไม่ใช่คุณ กด "{BUTTON_WEB_LOGOUT}" ทันที'
    )


def logged_out(count: int) -> str:
    if count == 0:
        return "ไม่มีหน้าเว็บที่เข้าสู่ระบบค้างอยู่"
    return f"ออกจากระบบเว็บแล้ว {count} เครื่อง"
