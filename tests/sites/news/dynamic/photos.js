// Photos that exist only once scripts run: a gallery from a JSON fetch after load, and
// more photos inserted when the reader scrolls to the end of the article.
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

async function loadGallery() {
  const gallery = document.getElementById("gallery");
  const response = await fetch(gallery.dataset.source);
  const data = await response.json();
  for (const photo of data.photos) gallery.appendChild(figure(photo));
}

const LATER_PHOTOS = [
  {
    src: "images/later-bakery.png",
    alt: "A baker clears mud",
    caption: "A baker clears mud from her shop on the corner of the square.",
    credit: "Photo: Sam Lens/Daily Test",
  },
  {
    src: "images/later-quay-wall.png",
    alt: "The quay wall",
    caption: "Engineers measure the flood wall along the quay on Wednesday.",
    credit: "Photo: Tom Rain/Daily Test",
  },
];

function loadLaterPhotos() {
  const later = document.getElementById("later-photos");
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    for (const photo of LATER_PHOTOS) later.appendChild(figure(photo));
  });
  observer.observe(later);
}

window.addEventListener("load", () => {
  loadGallery();
  loadLaterPhotos();
});
