// A tiny DOM builder so that screens read like the markup they make, without a
// framework or a build step.
//
// Exports (stable; the operator console imports them from /common/dom.js):
//   h(tag, attrs, ...children) -> Element
//   clear(node)                -> node, emptied
//   append(node, ...children)  -> node, with children added by h()'s rules
//
// attrs:
//   class: 'a b' or ['a', cond && 'b']       -> className
//   on<event>: function                      -> addEventListener('<event>', fn)
//   aria-*, data-*, role, for, and any name with a '-' -> setAttribute
//   style: string or object                  -> inline style
//   anything else                            -> a plain property (value, type,
//                                               disabled, hidden, id, ...)
//   null, undefined and false values are skipped.
// children: strings, numbers, Nodes, and (nested) arrays of them; null,
//   undefined, false and true are skipped so that `cond && h(...)` works.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    // h('p', 'text') — no attrs given, the second argument is a child.
    children.unshift(attrs);
    attrs = null;
  }
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class' || name === 'className') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
    } else if (name === 'style' && typeof value === 'object') {
      Object.assign(el.style, value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name.includes('-') || name === 'role' || name === 'for' || name === 'style') {
      el.setAttribute(name, value === true ? '' : String(value));
    } else {
      el[name] = value;
    }
  }
  append_all(el, children);
  return el;
}

function append_all(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) append_all(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

// Like Element.append, but skipping null, undefined and booleans (so that
// `cond && h(...)` works) and flattening arrays, as h() does with its children.
export function append(node, ...children) {
  append_all(node, children);
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}
