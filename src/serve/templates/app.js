// Live preview on the edit page: the Markdown goes to /preview (with the session's CSRF token) and
// comes back as the same sanitized HTML the help center would show.
document.addEventListener("DOMContentLoaded", () => {
  const area = document.querySelector("textarea[data-preview]");
  if (!area) return;
  const target = document.getElementById(area.dataset.preview);
  const token = document.querySelector('meta[name="csrf-token"]').content;
  let timer = null;
  let sent = 0;
  const update = async () => {
    const mine = ++sent;
    const response = await fetch("/preview", {
      method: "POST",
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-CSRF-Token": token },
      body: area.value,
      credentials: "same-origin",
    });
    if (response.ok && mine === sent) target.innerHTML = await response.text();
  };
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 200);
  });
});
