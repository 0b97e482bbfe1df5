// A little script on top of pages that work without it: NHS.UK frontend's components, and search as you
// type on "Find a role" (the same /api/roles/search the form's results come from). Text is set with
// textContent, never as HTML.
import { initAll } from "/static/nhsuk/nhsuk-frontend.min.js";

initAll();

const field = document.getElementById("q");
const live = document.getElementById("live-results");
if (field && live) {
  let timer = null;
  let asked = 0;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = field.value.trim();
      const ticket = ++asked;
      if (text.length < 2) {
        live.replaceChildren();
        return;
      }
      try {
        const response = await fetch(`/api/roles/search?q=${encodeURIComponent(text)}&top=8`);
        if (!response.ok || ticket !== asked) return;
        show(await response.json(), text);
      } catch (error) {
        live.replaceChildren();
      }
    }, 200);
  });

  function show(roles, text) {
    const heading = document.createElement("h2");
    heading.className = "nhsuk-heading-s";
    heading.textContent = roles.length ? `Suggestions for “${text}”` : `No role matches “${text}” yet`;
    const list = document.createElement("ul");
    list.className = "nhsuk-list";
    for (const role of roles) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/roles/${encodeURIComponent(role.id)}`;
      link.textContent = role.title;
      item.append(link, ` (${role.band ? "Band " + role.band : "no NHS band"}, level ${role.level})`);
      list.append(item);
    }
    live.replaceChildren(heading, list);
  }
}
