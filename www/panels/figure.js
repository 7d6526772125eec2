// "Save figure": a panel's canvas as a PNG file, on white (the page draws on a transparent
// canvas over the panel's white), at the canvas's full resolution.

/** Downloads `canvas` as `pcrnn-<name>.png`; resolves when the file is handed over. */
export function saveFigure(canvas, name) {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  return new Promise((resolve) =>
    out.toBlob((blob) => {
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `pcrnn-${name}.png`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      resolve();
    }, 'image/png'),
  );
}
