// Shows the embed snippet with this worker's own address.
const snippet = document.getElementById('snippet')
snippet.textContent = snippet.textContent.replace(
  'src="/contact-form.js"',
  `src="${location.origin}/contact-form.js"`
)
