// Drag a work order's card onto another day: the card's own reschedule form is sent with
// that day (without a script, the form's date field and button do the same).
document.addEventListener("dragstart", (event) => {
  const card = event.target.closest && event.target.closest("[data-workorder]");
  if (card) event.dataTransfer.setData("text/plain", card.dataset.workorder);
});
document.addEventListener("dragover", (event) => {
  if (event.target.closest && event.target.closest("[data-day]")) event.preventDefault();
});
document.addEventListener("drop", (event) => {
  const cell = event.target.closest && event.target.closest("[data-day]");
  if (!cell) return;
  event.preventDefault();
  const id = event.dataTransfer.getData("text/plain");
  const form = document.querySelector(`[data-workorder="${CSS.escape(id)}"] form`);
  if (!form) return;
  form.querySelector("input[name=planned_start]").value = cell.dataset.day;
  form.submit();
});
