// "Was this helpful? Yes / No" on an article page: one vote per reader and article (remembered in
// this browser), posted as a form to kbforge serve's /api/vote.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("section.vote");
  if (!box) return;
  const key = "kbforge-vote:" + box.dataset.article;
  const done = () => {
    box.querySelector(".vote-buttons").hidden = true;
    box.querySelector(".vote-thanks").hidden = false;
  };
  try { if (localStorage.getItem(key)) { done(); return; } } catch (e) {}
  box.querySelectorAll("button").forEach((button) => {
    button.addEventListener("click", () => {
      box.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      const body = new URLSearchParams({ article: box.dataset.article, helpful: button.value });
      fetch(box.dataset.url, { method: "POST", body, credentials: "omit" })
        .then((r) => {
          if (!r.ok && r.status !== 429) throw new Error(r.status);
          try { localStorage.setItem(key, button.value); } catch (e) {}
          done();
        })
        .catch(() => {
          box.querySelector(".vote-failed").hidden = false;
          box.querySelectorAll("button").forEach((b) => { b.disabled = false; });
        });
    });
  });
});
