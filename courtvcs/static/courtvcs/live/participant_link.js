// The hearing console's "Copy" button next to a personal link that is shown once (R17).
// One listener on the document, so links swapped in later by HTMX are served too; a
// module runs once per page however many times its tag is inserted.

async function copy(button) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  try {
    await navigator.clipboard.writeText(field.value);
  } catch (_error) {
    // No clipboard API outside https: select the text and copy the old way.
    field.select();
    document.execCommand("copy");
  }
  button.textContent = button.dataset.copied;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (button) copy(button);
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[data-link-url]")) event.target.select();
});
