"use strict";
// The offices page: a Leaflet map with a marker per office, "nearest to me"
// from the browser's location or a click on the map. The list is rendered by
// the server and works without any of this.
document.addEventListener("DOMContentLoaded", () => {
  const citySelect = document.getElementById("city");
  if (citySelect) {
    // A pick with the mouse shows the city at once; arrow keys only move
    // through the list (Enter, or the button, shows the one chosen).
    let keyed = false;
    citySelect.addEventListener("keydown", (event) => {
      keyed = event.key !== "Enter";
      if (event.key === "Enter") {
        event.preventDefault();
        citySelect.form.submit();
      }
    });
    citySelect.addEventListener("change", () => {
      if (!keyed) {
        citySelect.form.submit();
      }
      keyed = false;
    });
  }
  const list = document.getElementById("office-list");
  const openOnly = document.getElementById("open-now-only");
  if (list && openOnly) {
    const none = document.getElementById("open-now-none");
    openOnly.addEventListener("change", () => {
      let shown = 0;
      list.querySelectorAll("li.office").forEach((item) => {
        item.hidden = openOnly.checked && item.dataset.open !== "1";
        shown += item.hidden ? 0 : 1;
      });
      if (none) {
        none.hidden = shown > 0;
      }
    });
  }
  const container = document.getElementById("office-map");
  if (!container || !list || typeof L === "undefined") {
    return;
  }
  const text = container.dataset;
  const status = document.getElementById("office-map-status");
  const map = L.map(container).setView(
    [Number(text.lat), Number(text.lon)],
    11,
  );
  if (text.tiles) {
    let warned = false;
    L.tileLayer(text.tiles, { attribution: text.attribution, maxZoom: 19 })
      .on("tileerror", () => {
        if (!warned) {
          warned = true;
          status.textContent = text.textTiles;
        }
      })
      .addTo(map);
  }

  const markers = new Map();
  const popupFor = (item) => {
    const box = document.createElement("div");
    const title = document.createElement("strong");
    title.textContent = item.querySelector("h3").firstChild.textContent.trim();
    box.append(title);
    for (const selector of [".office-address", ".office-state", ".office-today"]) {
      const line = document.createElement("div");
      line.textContent = item.querySelector(selector).textContent;
      box.append(line);
    }
    const phone = item.querySelector("a[href^='tel:']");
    if (phone) {
      const link = document.createElement("a");
      link.href = phone.getAttribute("href");
      link.textContent = phone.textContent;
      box.append(link);
    }
    return box;
  };
  const beside = window.matchMedia("(min-width: 992px)");
  const open = (item, scroll = true) => {
    list.querySelectorAll("li.office.active").forEach((other) => {
      other.classList.remove("active");
    });
    item.classList.add("active");
    item.querySelector("details").open = true;
    if (scroll) {
      item.scrollIntoView({ block: "nearest" });
    }
  };
  const bounds = [];
  list.querySelectorAll("li.office").forEach((item) => {
    const point = [Number(item.dataset.lat), Number(item.dataset.lon)];
    bounds.push(point);
    const marker = L.marker(point, {
      title: item.querySelector("h3").firstChild.textContent.trim(),
      alt: item.querySelector(".office-address").textContent,
    })
      .bindPopup(() => popupFor(item))
      // However the popup opened (a click, a tap, Enter on the marker): the
      // office opens in the list too, scrolled to only where the list is
      // beside the map (on a phone it is below, and the popup stays in view).
      .on("popupopen", () => open(item, beside.matches))
      .addTo(map);
    markers.set(item.dataset.office, marker);
    item.querySelector("[data-show-on-map]").addEventListener("click", () => {
      map.setView(point, Math.max(map.getZoom(), 14));
      marker.openPopup();
      open(item, false);
      container.scrollIntoView({ block: "nearest" });
    });
  });
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [30, 30] });
  }

  let here = null;
  const orderFrom = async (lat, lon) => {
    if (here) {
      here.setLatLng([lat, lon]);
    } else {
      here = L.circleMarker([lat, lon], { radius: 8 })
        .bindTooltip(text.textYou)
        .addTo(map);
    }
    const params = new URLSearchParams({ city: text.city, lat, lon });
    try {
      const response = await fetch(`${text.api}?${params}`);
      if (!response.ok) {
        return;
      }
      const data = await response.json();
      for (const office of data.offices) {
        const item = document.getElementById(`office-${office.id}`);
        if (item) {
          item.querySelector(".office-distance").textContent =
            `· ${office.distance_km.toLocaleString(document.documentElement.lang)} ${text.textKm}`;
          list.append(item); // in the order received: nearest first
        }
      }
      status.textContent = text.textNearest;
      const nearest = data.offices[0] && markers.get(String(data.offices[0].id));
      if (nearest) {
        map.fitBounds([[lat, lon], nearest.getLatLng()], { padding: [40, 40] });
        nearest.openPopup();
        open(document.getElementById(`office-${data.offices[0].id}`), false);
      }
    } catch (error) {
      status.textContent = text.textDenied;
    }
  };
  map.on("click", (event) => orderFrom(event.latlng.lat, event.latlng.lng));
  document.getElementById("nearest-me").addEventListener("click", () => {
    if (!navigator.geolocation) {
      status.textContent = text.textDenied;
      return;
    }
    status.textContent = text.textAsking;
    navigator.geolocation.getCurrentPosition(
      (position) => orderFrom(position.coords.latitude, position.coords.longitude),
      () => {
        status.textContent = text.textDenied;
      },
      { timeout: 10000, maximumAge: 600000 },
    );
  });
});
