// Shows the embed snippet with this worker's own address, and lets the visitor copy it.
const snippet = document.getElementById('snippet')
snippet.textContent = snippet.textContent.replaceAll('="/', `="${location.origin}/`)

const copy = document.getElementById('copy')
const copyStatus = document.getElementById('copy-status')
copy.hidden = !navigator.clipboard
copy.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(snippet.textContent)
    copyStatus.textContent = 'Copied.'
  } catch {
    copyStatus.textContent = 'Select the code and copy it with your keyboard.'
  }
})
