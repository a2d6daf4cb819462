"""Headless Chromium at phone size, driven by Selenium (the field page's tests, issue 24).

Debian's ``chromium`` and ``chromium-driver`` (CI installs them: .ci/run).
``browser_missing()`` says why a browser test cannot run here, or None.
"""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# A common phone: 412 x 915 CSS pixels (Pixel 7 class), 2.625 device pixels each.
PHONE = {"width": 412, "height": 915, "deviceScaleFactor": 2, "mobile": True}


def browser_missing() -> str | None:
    """Why headless Chromium cannot run here (None: it can)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).exists() and shutil.which(Path(path).name) is None:
            return f"{path} is missing: apt-get install -y chromium chromium-driver ({package})"
    return None


def phone_browser(profile: Path):
    """A headless Chromium with a fresh profile, its viewport a phone's."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--user-data-dir={profile}",
        f"--window-size={PHONE['width']},{PHONE['height']}",
        "--lang=en-US",
    ):
        options.add_argument(arg)
    driver_path = CHROMEDRIVER if Path(CHROMEDRIVER).exists() else shutil.which("chromedriver")
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.execute_cdp_cmd("Network.enable", {})
    return driver


def set_offline(driver, offline: bool) -> None:
    """The browser's own offline mode (DevTools), as when the van loses signal."""
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
