/* Injected by tests/test_atlas.py into copies of atlas pages: once the fonts are loaded, the
   text boxes of every chart (rotated ones as rotated rectangles) and the pairs that overlap,
   the axes without a title, and whether the atlas's font is the one in use; as JSON in a
   `pre` element whose id is "probe". */
function corners(text, svg) {
  var box = text.getBBox();
  var matrix = svg.getScreenCTM().inverse().multiply(text.getScreenCTM());
  return [[box.x, box.y], [box.x + box.width, box.y], [box.x + box.width, box.y + box.height],
          [box.x, box.y + box.height]].map(function (p) {
    var point = svg.createSVGPoint();
    point.x = p[0]; point.y = p[1];
    point = point.matrixTransform(matrix);
    return [point.x, point.y];
  });
}
function hidden(node) {
  for (; node && node.getAttribute; node = node.parentNode) {
    if (node.getAttribute("opacity") === "0" || node.getAttribute("visibility") === "hidden") {
      return true;
    }
  }
  return false;
}
function separated(a, b) {  /* separating axis test of two convex quadrilaterals */
  var shapes = [a, b];
  for (var s = 0; s < 2; s++) {
    var shape = shapes[s];
    for (var i = 0; i < 4; i++) {
      var p = shape[i], q = shape[(i + 1) % 4];
      var axis = [q[1] - p[1], p[0] - q[0]];
      var length = Math.hypot(axis[0], axis[1]);
      if (!length) { continue; }
      var range = shapes.map(function (points) {
        var dots = points.map(function (r) { return (r[0] * axis[0] + r[1] * axis[1]) / length; });
        return [Math.min.apply(null, dots), Math.max.apply(null, dots)];
      });
      /* boxes include the font's line gap: a pixel of contact is not text over text */
      if (range[0][1] <= range[1][0] + 1 || range[1][1] <= range[0][0] + 1) { return true; }
    }
  }
  return false;
}
document.fonts.ready.then(function () {
  var loaded = Array.from(document.fonts).filter(function (face) {
    return face.family.replace(/"/g, "") === "Inter" && face.status === "loaded";
  });
  var result = {font: loaded.length > 0, texts: 0, overlaps: [], untitled: []};
  document.querySelectorAll("svg[data-chart]").forEach(function (svg) {
    var boxes = [];
    svg.querySelectorAll("text").forEach(function (text) {
      if (!text.textContent.trim() || hidden(text)) { return; }
      boxes.push({text: text.textContent, corners: corners(text, svg)});
    });
    result.texts += boxes.length;
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        if (!separated(boxes[i].corners, boxes[j].corners)) {
          result.overlaps.push([svg.dataset.chart, boxes[i].text, boxes[j].text]);
        }
      }
    }
    /* an axis with labels has a title (a grid alone is an axis without labels) */
    svg.querySelectorAll("g.role-axis").forEach(function (axis) {
      var labels = axis.querySelectorAll(".role-axis-label text");
      var title = axis.querySelector(".role-axis-title text");
      if (labels.length && !(title && title.textContent.trim())) {
        result.untitled.push(svg.dataset.chart + ": " + labels[0].textContent);
      }
    });
  });
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
