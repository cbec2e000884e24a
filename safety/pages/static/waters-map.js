// The danger map (/waters): the page's GeoJSON (schools, points, water bodies) drawn with the vendored Leaflet.
// Tiles only when the deployment names a tile URL (data-tiles); otherwise the markers sit on a plain background.
// Texts come from data attributes so the page's language and its strict CSP (no inline script) both hold.

const box = document.getElementById('danger-map');
const L = window.L;

const STYLE = {
  school: {radius: 8, color: '#12355b', fillColor: '#4a78b5', fillOpacity: 0.9, weight: 2},
  point: {radius: 5, color: '#2f6b3a', fillColor: '#6fbf7c', fillOpacity: 0.8, weight: 1},
  water_body: {radius: 9, color: '#0b4f8a', fillColor: '#2a9bd6', fillOpacity: 0.8, weight: 2},
};
const RISK_COLOUR = {high: '#b3261e', medium: '#c26a00', low: '#2f6b3a'};
const RISK_NAME = box ? {high: box.dataset.riskHigh, medium: box.dataset.riskMedium, low: box.dataset.riskLow} : {};

function text(tag, value) {
  const element = document.createElement(tag);
  element.textContent = value;
  return element;
}

function popup(properties) {
  const body = document.createElement('div');
  body.append(text('strong', properties.name));
  const lines = [properties.code];
  if (properties.kind === 'water_body') {
    lines.push(RISK_NAME[properties.risk_grade] || box.dataset.riskNone);
    if (properties.owner) lines.push(box.dataset.labelOwner + properties.owner);
    if (properties.depth_m !== null && properties.depth_m !== undefined) {
      lines.push(box.dataset.labelDepth + properties.depth_m);
    }
    if (properties.responsible_person) {
      lines.push(box.dataset.labelResponsible + properties.responsible_person + ' ' + (properties.responsible_phone || ''));
    }
  } else if (properties.kind === 'point') {
    lines.push(properties.category_name);
  }
  if (properties.overdue) lines.push(box.dataset.labelOverdue);
  for (const line of lines.filter(Boolean)) body.append(text('div', line));
  return body;
}

function style(properties) {
  const base = STYLE[properties.kind] || STYLE.point;
  if (properties.kind === 'water_body' && RISK_COLOUR[properties.risk_grade]) {
    return {...base, fillColor: RISK_COLOUR[properties.risk_grade]};
  }
  return base;
}

async function draw() {
  const map = L.map(box, {attributionControl: true, zoomControl: false});
  // Leaflet's own zoom buttons are titled in English: the page's words instead.
  L.control.zoom({zoomInTitle: box.dataset.labelZoomIn, zoomOutTitle: box.dataset.labelZoomOut}).addTo(map);
  map.attributionControl.setPrefix('Leaflet');  // a plain-text credit, without the default flag image
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, {attribution: box.dataset.attribution || '', subdomains: box.dataset.subdomains || 'abc',
                                    maxZoom: 18}).addTo(map);
  }
  const response = await fetch(box.dataset.source, {credentials: 'same-origin',
                                                    headers: {Accept: 'application/geo+json'}});
  if (!response.ok) throw new Error(String(response.status));
  const collection = await response.json();
  const placed = collection.features.filter((feature) => feature.geometry);
  const layer = L.geoJSON({type: 'FeatureCollection', features: placed}, {
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, style(feature.properties)),
    onEachFeature: (feature, marker) => marker.bindPopup(popup(feature.properties)),
  }).addTo(map);
  if (placed.length) map.fitBounds(layer.getBounds(), {padding: [24, 24], maxZoom: 16});
  else map.setView([30.0, 114.0], 5);
  const status = document.getElementById('danger-map-status');
  const missing = collection.features.length - placed.length;
  if (status) {
    status.textContent = box.dataset.labelShown.replace('{n}', placed.length)
      + (missing ? ' ' + box.dataset.labelMissing.replace('{n}', missing) : '');
  }
}

if (box && L) {
  draw().catch(() => {
    const status = document.getElementById('danger-map-status');
    if (status) status.textContent = box.dataset.labelFailed;
  });
}
