// Drag a card onto a column: the card's own move form is sent with that stage (htmx).
document.addEventListener("dragstart", (event) => {
  const card = event.target.closest && event.target.closest("[data-card]");
  if (card) event.dataTransfer.setData("text/plain", card.dataset.card);
});
document.addEventListener("dragover", (event) => {
  if (event.target.closest && event.target.closest(".board-column")) event.preventDefault();
});
document.addEventListener("drop", (event) => {
  const column = event.target.closest && event.target.closest(".board-column");
  if (!column) return;
  event.preventDefault();
  const id = event.dataTransfer.getData("text/plain");
  const form = document.querySelector(`[data-card="${CSS.escape(id)}"] .board-move-form`);
  if (!form) return;
  form.querySelector("select[name=stage]").value = column.dataset.stage;
  if (window.htmx) window.htmx.trigger(form, "submit");
  else form.submit();
});
