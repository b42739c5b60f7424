"""Phone-sized checks shared by the browser tests: the page must not scroll sideways."""

PHONE, NARROW, DESK = {"width": 390, "height": 844}, {"width": 360, "height": 740}, {"width": 1440, "height": 900}

# The page's scroll width against its viewport, and the elements that stick out past the right edge
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = document.scrollingElement.scrollWidth;
  if (wide <= width) return {wide, width, culprits: []};
  // how far right an element reaches: its box, or its content where that spills out of a box that does not clip
  const reach = el => {
    const box = el.getBoundingClientRect();
    if (!box.width) return 0;
    const spills = getComputedStyle(el).overflowX === 'visible' ? el.scrollWidth : 0;
    return box.left + Math.max(box.width, spills);
  };
  const out = [...document.body.querySelectorAll('*')].filter(el => reach(el) > width + 0.5);
  // the innermost ones: what sticks out itself, not the boxes that merely hold it
  const culprits = out.filter(el => !out.some(o => o !== el && el.contains(o))).slice(0, 8).map(el => {
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const right = Math.round(reach(el));
    return name + ' right=' + right + ' "' + (el.innerText || '').slice(0, 30) + '"';
  });
  return {wide, width, culprits};
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
