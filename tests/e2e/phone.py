"""Phone-sized checks shared by the browser tests: the page must not scroll sideways."""

PHONE, NARROW, DESK = {"width": 390, "height": 844}, {"width": 360, "height": 740}, {"width": 1440, "height": 900}

# The page's scroll width against its viewport, and the elements that stick out past the right edge
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = document.scrollingElement.scrollWidth;
  if (wide <= width) return {wide, width, culprits: []};
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      culprits.push(name + ' right=' + Math.round(box.right) + ' "' + (el.innerText || '').slice(0, 30) + '"');
    }
  }
  return {wide, width, culprits: culprits.slice(0, 8)};
}"""


def assert_fits(page, label, widths=(PHONE, NARROW)):
    """The page is no wider than a 390 and a 360 px screen (names the page and what sticks out); back at 390."""
    for viewport in widths:
        page.set_viewport_size(viewport)
        fit = page.evaluate(OVERFLOW)
        assert fit["wide"] <= viewport["width"], (
            f"{label} scrolls sideways at {viewport['width']} px: {fit['wide']} px wide; {fit['culprits']}")
    page.set_viewport_size(PHONE)


def open_menu(page):
    """The main menu: on a phone open its drawer first."""
    toggle = page.get_by_role("button", name="菜单")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.get_by_role("navigation", name="主菜单")
