"""The demo bank: its branches, customer tiers, hotline queues and the names of its people."""

BRANCHES = {  # branch: (time zone, language, latent satisfaction)
    "SZ-001": ("Asia/Shanghai", "zh-Hans", 0.72),
    "SZ-002": ("Asia/Shanghai", "zh-Hans", 0.62),
    "GZ-001": ("Asia/Shanghai", "zh-Hans", 0.66),
    "SH-001": ("Asia/Shanghai", "zh-Hans", 0.70),
    "HK-001": ("Asia/Hong_Kong", "zh-Hant", 0.68),
}
TIERS = {"private": 0.02, "wealth": 0.08, "gold": 0.2, "silver": 0.3, "mass": 0.4}
FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛"]
QUEUES = {"cards": 0.3, "loans": 0.2, "wealth": 0.1, "general": 0.4}
