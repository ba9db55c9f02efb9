"""The sample organisation the bot starts with when nothing is configured (from seed 002)."""

from __future__ import annotations

SLUG = "khaothong"
NAME = "องค์การบริหารส่วนตำบลเขาทอง"
PHONE = "075-664584"
WEBSITE = "http://www.khaothong.go.th"
ADDRESS = "สำนักปลัด อำเภอเมืองกระบี่ จังหวัดกระบี่"
