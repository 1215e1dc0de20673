// Photos that exist only once scripts run: a gallery fetched as JSON after the page loads,
// and more photos fetched and inserted when the reader scrolls to the end of the article
// (an IntersectionObserver), as news sites do with galleries and "read more" sections.
"use strict";

function figure(photo) {
  const element = document.createElement("figure");
  const image = document.createElement("img");
  image.src = photo.src;
  image.alt = photo.alt;
  const caption = document.createElement("figcaption");
  caption.textContent = photo.caption + " ";
  const credit = document.createElement("span");
  credit.className = "credit";
  credit.textContent = photo.credit;
  caption.appendChild(credit);
  element.append(image, caption);
  return element;
}

async function insertPhotos(container, source) {
  const response = await fetch(source);
  const data = await response.json();
  for (const photo of data.photos) container.appendChild(figure(photo));
}

function whenSeen(container, action) {
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    action();
  });
  observer.observe(container);
}

window.addEventListener("load", () => {
  const gallery = document.getElementById("gallery");
  insertPhotos(gallery, gallery.dataset.source);
  const later = document.getElementById("later-photos");
  whenSeen(later, () => insertPhotos(later, later.dataset.source));
});
