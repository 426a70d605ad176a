// SVG elements, made like /common/dom.js's h() makes HTML ones: SVG lives in its
// own namespace, so document.createElement would make inert elements.

const ns = 'http://www.w3.org/2000/svg';

export function s(tag, attrs, ...children) {
  const el = document.createElementNS(ns, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else {
      el.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === true) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// An accessible chart root: role img, named by its <title> and described by <desc>
// (both read by screen readers; the title is also the hover tooltip).
let next = 0;
export function svg_root({ width, height, title, desc, role = 'img', cls }, ...children) {
  next += 1;
  const title_id = `svg-t-${next}`;
  const desc_id = `svg-d-${next}`;
  return s('svg', {
    xmlns: ns,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role,
    class: cls,
    'aria-labelledby': title_id,
    'aria-describedby': desc ? desc_id : null,
    preserveAspectRatio: 'xMinYMin meet',
  }, s('title', { id: title_id }, title), desc && s('desc', { id: desc_id }, desc), ...children);
}
