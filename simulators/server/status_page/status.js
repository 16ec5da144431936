/* The public status page: reads /feed.json, shows the booths (open ones first) in the visitor's
   language, and finds the nearest working booth to a place the visitor picks or to the browser's
   geolocation. Nothing is sent anywhere: the distance is worked out on the phone. */
"use strict";
(function () {
  var STRINGS = window.STATUS_STRINGS;
  var LANGS = ["ko", "en", "zh", "vi"];
  var HTML_LANG = { ko: "ko", en: "en", zh: "zh-Hans", vi: "vi" };
  var REFRESH_MS = 30000;
  var feed = null;
  var lang = pickLanguage();

  function pickLanguage() {
    var asked = new URLSearchParams(window.location.search).get("lang");
    if (LANGS.indexOf(asked) >= 0) return asked;
    var langs = navigator.languages || [navigator.language || "ko"];
    for (var i = 0; i < langs.length; i++) {
      var code = String(langs[i]).toLowerCase().slice(0, 2);
      if (LANGS.indexOf(code) >= 0) return code;
    }
    return "ko";
  }

  function t(key, values) {
    var text = STRINGS[lang][key];
    if (text === undefined) text = STRINGS.en[key] !== undefined ? STRINGS.en[key] : key;
    return text.replace(/\{(\w+)\}/g, function (_m, name) { return values && name in values ? values[name] : ""; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function place(booth) {
    return (lang !== "ko" && booth.location_en) ? booth.location_en : booth.location;
  }

  function docTitle(code) {
    var key = "doc." + code;
    return STRINGS[lang][key] !== undefined ? t(key) : t("doc._unknown") + " (" + code + ")";
  }

  function timeText(iso) {
    var when = new Date(iso);
    if (isNaN(when.getTime())) return "";
    return new Intl.DateTimeFormat(HTML_LANG[lang], { hour: "2-digit", minute: "2-digit" }).format(when);
  }

  function translateStatic() {
    document.documentElement.lang = HTML_LANG[lang];
    document.title = t("page_title");
    document.querySelectorAll("[data-t]").forEach(function (node) { node.textContent = t(node.dataset.t); });
    document.querySelectorAll("[data-t-aria]").forEach(function (node) {
      node.setAttribute("aria-label", t(node.dataset.tAria));
    });
    document.querySelectorAll("[data-lang]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
    });
  }

  function list(items) {
    return el("ul", {}, items.map(function (text) { return el("li", {}, [text]); }));
  }

  function boothCard(booth) {
    var id = "booth-" + booth.booth.replace(/[^A-Za-z0-9_-]/g, "");
    var pay = [];
    if (booth.payment.cash) pay.push(t("cash"));
    if (booth.payment.card) pay.push(t("card"));
    if (booth.payment.cash) pay.push(booth.payment.change ? t("change") : t("no_change"));
    var access = [];
    ["keypad", "voice", "low_position"].forEach(function (name) { if (booth.accessibility[name]) access.push(t(name)); });
    var docs = booth.documents_available.map(docTitle);
    var state = el("p", { "class": "state " + (booth.open_now ? "open" : "shut") }, [t("status." + booth.status)]);
    return el("li", { "class": "booth", "data-booth": booth.booth, "data-open": String(booth.open_now) }, [
      el("article", { "aria-labelledby": id }, [
        el("h3", { id: id }, [booth.name || booth.booth]),
        el("p", { "class": "place" }, [place(booth)]),
        state,
        el("dl", {}, [
          el("dt", {}, [t("hours")]),
          el("dd", {}, [booth.hours === "24h" ? t("hours_24h") : booth.hours]),
          el("dt", {}, [t("available_now")]),
          el("dd", { "class": "docs" }, [docs.length ? list(docs) : t("nothing_now")]),
          el("dt", {}, [t("payment")]),
          el("dd", {}, [pay.length ? pay.join(", ") : t("none")]),
          el("dt", {}, [t("accessibility")]),
          el("dd", {}, [access.length ? access.join(", ") : t("none")]),
          el("dt", {}, [t("last_seen")]),
          el("dd", {}, [timeText(booth.last_seen)])
        ])
      ])
    ]);
  }

  function render() {
    translateStatic();
    var holder = document.getElementById("booths");
    var select = document.getElementById("place");
    var chosen = select.value;
    holder.replaceChildren();
    select.replaceChildren(el("option", { value: "" }, [t("place_choose")]));
    if (!feed) {
      document.getElementById("summary").textContent = t("loading");
      return;
    }
    var booths = feed.booths.slice().sort(function (a, b) { return Number(b.open_now) - Number(a.open_now); });
    var onlyOpen = document.getElementById("only-open").checked;
    booths.forEach(function (booth) {
      if (!onlyOpen || booth.open_now) holder.appendChild(boothCard(booth));
    });
    feed.booths.forEach(function (booth) {
      if (booth.latitude !== null && booth.longitude !== null) {
        select.appendChild(el("option", { value: booth.booth }, [(booth.name || booth.booth) + " — " + place(booth)]));
      }
    });
    select.value = chosen;
    var open = feed.booths.filter(function (b) { return b.open_now; }).length;
    document.getElementById("summary").textContent = t("summary", { open: open, total: feed.booths.length });
    document.getElementById("updated").textContent = t("updated", { time: timeText(feed.generated_at) });
  }

  function distanceKm(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad;
    var dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
  }

  function nearestFrom(lat, lon) {
    var best = null;
    var bestKm = Infinity;
    (feed ? feed.booths : []).forEach(function (booth) {
      if (!booth.open_now || booth.latitude === null || booth.longitude === null) return;
      var km = distanceKm(lat, lon, booth.latitude, booth.longitude);
      if (km < bestKm) { best = booth; bestKm = km; }
    });
    var out = document.getElementById("near-result");
    out.textContent = best
      ? t("nearest_is", { name: best.name || best.booth, place: place(best), km: bestKm.toFixed(1) })
      : t("none_open");
    if (best) out.dataset.booth = best.booth; else delete out.dataset.booth;
  }

  function load() {
    return fetch("/feed.json", { cache: "no-store" })
      .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
      .then(function (data) { feed = data; render(); })
      .catch(function () { document.getElementById("summary").textContent = t("load_failed"); });
  }

  document.querySelectorAll("[data-lang]").forEach(function (button) {
    button.addEventListener("click", function () {
      lang = button.dataset.lang;
      render();
    });
  });
  document.getElementById("only-open").addEventListener("change", render);
  document.getElementById("near-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var id = document.getElementById("place").value;
    var booth = feed && feed.booths.filter(function (b) { return b.booth === id; })[0];
    if (!booth) { document.getElementById("near-result").textContent = t("choose_first"); return; }
    nearestFrom(booth.latitude, booth.longitude);
  });
  document.getElementById("geo").addEventListener("click", function () {
    var out = document.getElementById("near-result");
    if (!navigator.geolocation) { out.textContent = t("no_location"); return; }
    out.textContent = t("locating");
    navigator.geolocation.getCurrentPosition(
      function (position) { nearestFrom(position.coords.latitude, position.coords.longitude); },
      function () { out.textContent = t("no_location"); },
      { timeout: 10000, maximumAge: 60000 });
  });
  render();
  load();
  window.setInterval(load, REFRESH_MS);
}());
