#!/usr/bin/python3
"""Writes openpyxl.xlsx, a CMIS-style export made by another tool than the
SDK (python3-openpyxl 3.0, Debian bookworm): a hidden dropdown sheet first,
then the students, with the cell types people and tools produce:

row 2  good, every cell text, the birth date a real date cell (yyyy-mm-dd)
row 3  the resident ID typed as a number, number format "0"
row 4  the registry number typed as a number (leading 0 gone)
row 5  the name a formula without a cached value (openpyxl never computes)
row 6  birth date written 2018/1/1, entry month 2024-09, a guardian's ID
row 7  the registry number of row 2 again
row 8  a date-typed entry month (yyyy"年"m"月")

Run: /usr/bin/python3 make_openpyxl.py (from this directory).
"""
import datetime
import openpyxl

S = "北京市东城区和平里小学"
wb = openpyxl.Workbook()
dd = wb.active
dd.title = "下拉选项"
dd.append(["性别", "学籍号"])
dd.append(["男", ""])
dd.append(["女", ""])
dd.sheet_state = "hidden"
ws = wb.create_sheet("学生信息")
ws.append(["学校名称", "姓名", "性别", "学籍号", "身份证号", "出生日期", "入学年月", "身份证号（父亲）"])
ws.append([S, "曹磊", "女", "0105000103001014", "110115201801010003", datetime.date(2018, 1, 1), "202409", "110101198001010015"])
ws.cell(row=2, column=6).number_format = "yyyy-mm-dd"
ws.append([S, "龙娜辉", "男", "0105000103001022", 110114201801010015, "20180101", "202409", ""])
ws.cell(row=3, column=5).number_format = "0"
ws.append([S, "莫丽辉", "女", 105000103001039, "110105201801010027", "20180101", "202409", ""])
ws.append([S, "=B2", "男", "0105000103001047", "110102201801010036", "20180101", "202409", ""])
ws.append([S, "刘天思", "女", "0105000103001055", "110103201801010040", "2018/1/1", "2024-09", "110101198001010015"])
ws.append([S, "崔涛琪", "男", "0105000103001014", "110113201801010051", "20180101", "202409", ""])
ws.append([S, "顾秀", "男", "0105000103001063", "110102201801010036", "20180101", datetime.date(2024, 9, 1), ""])
ws.cell(row=8, column=7).number_format = 'yyyy"年"m"月"'
wb.save("openpyxl.xlsx")
